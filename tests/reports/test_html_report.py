"""The investor report's HTML: sections, headline numbers as in the warehouse, graceful gaps, determinism."""

from __future__ import annotations

import base64
import datetime as dt
import html as html_lib
import json
import re
import statistics

import matplotlib.pyplot as plt
import pytest

from reports import formatting as fmt
from reports.html_report import build_report, render_html
from reports.sections import SECTIONS
from reports.sections.accuracy import TARGET_LABELS, plain_reason
from tests.reports.conftest import EMPTY_RUN_ID, GENERATED_AT

NOT_AVAILABLE = "not available for this run"


def text_of(html: str) -> str:
    """The visible text: no charts, no tags, entities decoded, whitespace collapsed."""
    without_svg = re.sub(r"<svg.*?</svg>", " ", html, flags=re.DOTALL)
    without_style = re.sub(r"<style>.*?</style>", " ", without_svg, flags=re.DOTALL)
    return " ".join(html_lib.unescape(re.sub(r"<[^>]+>", " ", without_style)).split())


def section_text(html: str, section_id: str) -> str:
    match = re.search(rf'<section id="section-{section_id}">(.*?)</section>', html, flags=re.DOTALL)
    assert match, section_id
    return text_of(match.group(1))


@pytest.fixture(scope="module")
def summary(full_html) -> str:
    return section_text(full_html, "executive-summary")


def test_every_section_heading_is_present_in_order(full_html):
    positions = []
    for section_id, title, _builder in SECTIONS:
        heading = f'<h2 id="{section_id}">{html_lib.escape(title)}</h2>'
        assert heading in full_html, heading
        positions.append(full_html.index(heading))
    assert positions == sorted(positions)


def test_full_warehouse_leaves_nothing_unavailable(full_html):
    text = text_of(full_html)
    assert NOT_AVAILABLE not in text
    assert "could not be built" not in text and "could not be computed" not in text


def test_cover_has_as_of_and_vintage_per_feed(full_html, full, warehouse):
    as_of, vintage = full.execute(
        "select as_of, data_vintage from forecast.runs where run_id = ?", [warehouse.run_id]
    ).fetchall()[0]
    text = text_of(full_html)
    assert f"As of {as_of}" in text
    cover = section_text(full_html, "data-vintage")
    for entry in json.loads(vintage):
        assert entry["feed"] in cover and entry["sha256"][:12] in cover


def _chart_count(con) -> int:
    """Price index (one chart per benchmark), frontier, compute, revenue, demand, adoption, cost-quality."""
    (benchmarks,) = con.execute("select count(distinct benchmark) from marts.price_index").fetchall()[0]
    return benchmarks + 6


def test_report_is_self_contained(full, full_html):
    assert _chart_count(full) > 7  # the fixture has several benchmarks, so several price-index charts
    assert full_html.count("<svg") == _chart_count(full)
    assert "<img" not in full_html and "<script" not in full_html and "<link" not in full_html
    outside_svg = re.sub(r"<svg.*?</svg>", "", full_html, flags=re.DOTALL)
    assert "http://" not in outside_svg and 'src="http' not in outside_svg


def test_decline_headline_is_the_pooled_step_rate_across_published_tiers(full, warehouse, summary):
    # The measured rate over the published table's tiers; the tiers added since are counted and
    # named, not averaged in.
    rows = full.execute(
        "select factor_per_year, ci90_low, ci90_high, n from forecast.decline_rates "
        "where run_id = ? and method = 'step_decline_pooled' and tier_id in "
        "(select tier_id from forecast.published_reproduction where run_id = ?) order by factor_per_year",
        [warehouse.run_id, warehouse.run_id],
    ).fetchall()
    assert len(rows) == 21
    others = full.execute(
        "select count(*) from forecast.decline_rates where run_id = ? and method = 'step_decline_pooled'",
        [warehouse.run_id],
    ).fetchall()[0][0] - len(rows)
    assert others > 0
    assert f"the {others} other tier(s) with a result (" in summary
    median = statistics.median(r[0] for r in rows)
    assert f"{fmt.factor(median)} per year (median of {len(rows)} tiers)" in summary
    typical = fmt.factor_range(statistics.median(r[1] for r in rows), statistics.median(r[2] for r in rows))
    assert f"typical 90% CI {typical}" in summary
    lowest, highest = rows[0], rows[-1]
    assert f"range across tiers {fmt.factor(lowest[0])} (" in summary
    assert f"90% CI {fmt.factor_range(lowest[1], lowest[2])}" in summary
    assert f"to {fmt.factor(highest[0])} (" in summary
    assert f"90% CI {fmt.factor_range(highest[1], highest[2])}" in summary
    assert f"n = {min(r[3] for r in rows)}–{max(r[3] for r in rows)} observations per tier" in summary


def test_decline_headline_says_what_the_price_forecasts_imply(full, warehouse, summary):
    # On main the headline said the forecasts were built from the pooled rate (16.4x a year) while
    # every tier's champion was drift_rw, whose forecasts fall about 9.6x in 12 months.
    rows = full.execute(
        """
        with published as (
            select tier_id from forecast.published_reproduction where run_id = $1
            intersect
            select tier_id from forecast.decline_rates where run_id = $1 and method = 'step_decline_pooled'
        ),
        latest as (
            select tier_id, arg_max(cheapest_blended_usd_per_mtok, month) as price, max(month) as month
            from marts.price_index where tier_id in (select tier_id from published) group by tier_id
        )
        select l.price / v.median, v.model
        from latest as l
        join forecast.values as v
            on v.run_id = $1 and v.target = 'price_index' and v.series_id = l.tier_id
            and v.ds = l.month + interval 12 month
        where v.median > 0
        """,
        [warehouse.run_id],
    ).fetchall()
    assert rows
    implied = statistics.median(r[0] for r in rows)
    assert f": a median {fmt.factor(implied)} over the 12 months after the latest price" in summary
    assert f"of {len(rows)} tiers" in summary
    assert "the rate the price forecast is built from" not in summary


def test_installed_compute_headline_with_band_growth_and_anchors(full, warehouse, summary):
    quarter, p5, p50, p95 = full.execute(
        "select quarter, installed_h100e_p5, installed_h100e_p50, installed_h100e_p95 from marts.installed_compute "
        "where vendor = 'all' order by quarter desc limit 1"
    ).fetchall()[0]
    assert f"{fmt.si(p50)} H100e at the end of {fmt.quarter(quarter)} (p5–p95 {fmt.si_range(p5, p95)})" in summary
    growth = {
        series: row
        for series, *row in full.execute(
            "select series_id, factor_per_year, ci90_low, ci90_high, anchor_factor_per_year, n "
            "from forecast.growth_rates where run_id = ? and target = 'installed_h100e'",
            [warehouse.run_id],
        ).fetchall()
    }
    factor, low, high, anchor, n = growth["all"]
    assert f"growth {fmt.factor(factor)} per year (90% CI {fmt.factor_range(low, high)})" in summary
    assert (
        f"all vendors {fmt.factor(factor)} (90% CI {fmt.factor_range(low, high)}) vs published {fmt.factor(anchor)}"
        in summary
    )
    nvidia = growth["Nvidia"]
    assert f"Nvidia {fmt.factor(nvidia[0])} (90% CI {fmt.factor_range(nvidia[1], nvidia[2])}) vs published" in summary
    # On main the sentence called the growth "consistent" although Nvidia's CI excludes its anchor.
    nvidia_inside = nvidia[1] <= nvidia[3] <= nvidia[2]
    assert (f"Nvidia alone grows {fmt.factor(nvidia[0])}" in summary) is not nvidia_inside
    assert f"n = {n} quarters" in summary


def test_token_demand_headline_says_how_sparse(full, warehouse, summary):
    series_id, factor, low, high, n, start, end = full.execute(
        "select series_id, factor_per_year, ci90_low, ci90_high, n, start_date, end_date from forecast.growth_rates "
        "where run_id = ? and target = 'token_demand' order by n desc, factor_per_year desc, series_id limit 1",
        [warehouse.run_id],
    ).fetchall()[0]
    reports, companies = full.execute("select count(*), count(distinct company) from marts.token_demand").fetchall()[0]
    assert f"{series_id}: {fmt.factor(factor)} per year" in summary
    assert f"90% CI {fmt.factor_range(low, high)}" in summary
    assert f"n = {n} reports, {fmt.day(start)} to {fmt.day(end)}" in summary
    assert f"only {reports} reports from {companies} companies" in summary


def test_reasoning_headline_share_and_midpoint(full, warehouse, summary):
    period, share, n_reasoning, n_flag_known = full.execute(
        "select period, share, n_reasoning, n_flag_known from marts.reasoning_adoption "
        "where period_type = 'quarter' and organization = 'all' and share is not null order by period desc limit 1"
    ).fetchall()[0]
    assert (
        f"{fmt.share(share)} of new releases in {fmt.quarter(period)} "
        f"({n_reasoning} of {n_flag_known} with a known flag" in summary
    )
    mid, low, high = full.execute(
        "select estimate_date, ci90_low_date, ci90_high_date from forecast.adoption_fits "
        "where run_id = ? and model = 'logistic' and parameter = 'midpoint'",
        [warehouse.run_id],
    ).fetchall()[0]
    assert f"logistic 50% midpoint {fmt.month(mid)} (90% CI {fmt.month(low)} to {fmt.month(high)})" in summary


def test_frontier_and_revenue_headlines(full, warehouse, summary):
    month, model, price = full.execute(
        "select month, model, blended_usd_per_mtok from marts.frontier_price "
        "where benchmark = 'gpqa_diamond' order by month desc limit 1"
    ).fetchall()[0]
    assert f"{fmt.price(price)} per 1M tokens in {fmt.month(month)} ({model}, leader on GPQA Diamond)" in summary
    forecast = full.execute(
        "select median, lo_80, hi_80 from forecast.values where run_id = ? and target = 'frontier_price' "
        "and series_id = 'gpqa_diamond' and ds = ?",
        [warehouse.run_id, dt.date(month.year + 1, month.month, 1)],
    ).fetchall()[0]
    assert f"{fmt.price(forecast[0])} (80% PI {fmt.price_range(forecast[1], forecast[2])}" in summary
    revenue, quarter = full.execute(
        "select datacenter_revenue_usd, fiscal_quarter from marts.revenue_reconciliation "
        "order by period_start desc limit 1"
    ).fetchall()[0]
    assert f"{fmt.usd(revenue)} in fiscal {quarter}" in summary


def test_every_headline_has_uncertainty_meaning_and_source(full_html):
    headlines = re.findall(r'<div class="headline">(.*?)</div>', full_html, flags=re.DOTALL)
    assert len(headlines) == 6
    for block in headlines:
        for part in ("figure", "uncertainty", "meaning", "basis"):
            assert f'<p class="{part}">' in block, (part, block[:200])
        assert "Source: " in block
        meaning = text_of(re.search(r'<p class="meaning">(.*?)</p>', block, flags=re.DOTALL).group(1))
        assert meaning.endswith(".") and ". " not in meaning, meaning  # one sentence


def test_family_tables_show_warehouse_values(full, full_html, warehouse):
    declines = section_text(full_html, "decline-factors")
    for factor, low, high in full.execute(
        "select factor_per_year, ci90_low, ci90_high from forecast.decline_rates where run_id = ?", [warehouse.run_id]
    ).fetchall():
        assert f"{fmt.factor(factor)} {fmt.factor_range(low, high)}" in declines
    sensitivity = section_text(full_html, "decline-sensitivity")
    assert "only 2 new price lows (need 3)" in sensitivity or "new price lows" in sensitivity
    scenarios = section_text(full_html, "demand-scenarios")
    for scenario in ("bear", "base", "bull"):
        assert scenario in scenarios

    def words(text: str) -> set[str]:
        return {word.strip(".;,") for word in text.split()}

    shown = words(scenarios)
    for parameter, basis in full.execute(
        "select distinct parameter, basis from forecast.scenario_parameters where run_id = ?", [warehouse.run_id]
    ).fetchall():
        assert parameter in scenarios
        assert words(basis) <= shown, basis  # shared parts once, each scenario's own part listed
    claims = section_text(full_html, "claims-check")
    for text, verdict in full.execute(
        "select claim_text, verdict from forecast.claims where run_id = ?", [warehouse.run_id]
    ).fetchall():
        assert text in claims and verdict in claims


def test_accuracy_shows_champions_fallbacks_and_past_forecasts(full, full_html, warehouse):
    accuracy = section_text(full_html, "forecast-accuracy")
    reasons = full.execute(
        "select distinct champion_reason from forecast.backtests where run_id = ? and is_champion", [warehouse.run_id]
    ).fetchall()
    assert reasons and all(reason in accuracy for (reason,) in reasons)
    fallbacks = full.execute(
        "select fallback_from, model, reason from forecast.fallbacks where run_id = ?", [warehouse.run_id]
    ).fetchall()
    for failed, used, reason in fallbacks:
        assert f"{failed} {used} {plain_reason(reason)}" in accuracy
    # No raw exception text anywhere in the report: a fit's error message stays in the warehouse.
    assert not re.search(r"\b[A-Z][a-zA-Z]*(Error|Exception|Warning): ", text_of(full_html))
    # The run as of 2025-03-01 forecast 2025-03..2025-12 prices, which the marts now hold.
    assert warehouse.other_run_id in accuracy
    assert "price index (tier)" in accuracy and "Largest misses" in accuracy


def test_warnings_name_stale_feeds_failed_batches_and_quarantine(full, full_html):
    warnings = section_text(full_html, "warnings")
    assert "Stale feeds" in warnings and "HTTP 503 after 4 attempts" in warnings
    assert "Failed batches" in warnings and "13% of rows failed validation" in warnings
    for feed, quarantined in full.execute(
        "select feed, sum(rows_quarantined) from meta.ingest_batches group by feed having sum(rows_quarantined) > 0 "
        "and bool_or(status = 'loaded')"
    ).fetchall():
        assert f"{feed} " in warnings and fmt.count(quarantined) in warnings
    assert "Model fallbacks" in warnings
    summary_text = section_text(full_html, "executive-summary")
    assert re.search(r"\d+ warnings? appl", summary_text)


def test_warnings_list_flagged_price_listings_with_their_effect_and_old_data(full, full_html, warehouse):
    warnings = section_text(full_html, "warnings")
    assert "Implausible price listings left out" in warnings
    assert "gemini-1.5-flash-exp-0827" in warnings and "28.0x below the median" in warnings
    (would_set,) = full.execute("select count(*) from marts.flagged_price_effect").fetchone()
    assert would_set > 0 and f"would set the index in {would_set} of" in warnings
    assert "Old data" in warnings
    cover = text_of(full_html).split("Data vintage")[0]
    assert "Data through:" in cover and "token prices" in cover and "days before the as-of date" in cover
    assert not re.search(r"[.)][A-Z]", cover), re.findall(r".{20}[.)][A-Z].{10}", cover)  # sentences keep their space


def test_sources_list_every_feed_with_licence_and_retrieval(full_html, feeds):
    sources = section_text(full_html, "data-sources")
    for feed in feeds:
        assert feed["feed"] in sources and feed["licence"] in sources and feed["citation"] in sources
    assert "no batch loaded" in sources  # openrouter is live-only: no bundled batch


def test_empty_run_renders_with_a_note_in_every_section(empty, feeds):
    html = render_html(empty, EMPTY_RUN_ID, feeds=feeds, generated_at=GENERATED_AT)
    text = text_of(html)
    assert "could not be built" not in text and "could not be computed" not in text
    for section_id, title, _builder in SECTIONS:
        assert f'<h2 id="{section_id}">{html_lib.escape(title)}</h2>' in html
    for section_id in (
        "data-vintage",
        "token-prices",
        "decline-factors",
        "decline-sensitivity",
        "installed-compute",
        "nvidia-revenue",
        "token-demand",
        "reasoning-adoption",
        "demand-scenarios",
        "claims-check",
        "forecast-accuracy",
    ):
        assert NOT_AVAILABLE in section_text(html, section_id), section_id
    summary = section_text(html, "executive-summary")
    assert summary.count(NOT_AVAILABLE) == 6
    assert "forecast.growth_rates has no rows for target token_demand" in summary
    assert "no earlier forecast run" in section_text(html, "forecast-accuracy")


def test_pipeline_run_renders_whatever_it_has(pipeline_html):
    html = pipeline_html
    text = text_of(html)
    assert "could not be built" not in text and "could not be computed" not in text
    assert html.count("<svg") >= 5


def test_a_broken_section_becomes_a_visible_note(monkeypatch, empty, feeds):
    from reports import sections

    def broken(_ctx):
        raise RuntimeError("boom")

    patched = tuple(
        (sid, title, broken if sid == "claims-check" else builder) for sid, title, builder in sections.SECTIONS
    )
    monkeypatch.setattr("reports.html_report.SECTIONS", patched)
    html = render_html(empty, EMPTY_RUN_ID, feeds=feeds, generated_at=GENERATED_AT)
    assert "the section could not be built (RuntimeError: boom)" in section_text(html, "claims-check")
    assert "Claims check: RuntimeError: boom" in section_text(html, "warnings")


def test_same_warehouse_renders_the_same_html(full_html, exports):
    # write_all_exports rendered the same run again with the same generated-at time.
    assert exports["html"][0].read_text(encoding="utf-8") == full_html
    # The generated-at time is the one line that depends on the clock.
    assert full_html.count(f"generated at {GENERATED_AT:%Y-%m-%d %H:%M} UTC") == 1
    assert "generated at" not in full_html.replace(f"generated at {GENERATED_AT:%Y-%m-%d %H:%M} UTC", "")


def test_old_single_feed_signature_still_renders(empty):
    html = render_html(empty, EMPTY_RUN_ID, citation="Epoch AI test citation", licence="CC BY 4.0")
    assert "Epoch AI test citation" in text_of(html)


def test_every_internal_link_has_its_target(full_html):
    targets = set(re.findall(r'\bid="([^"]+)"', full_html))
    links = set(re.findall(r'href="#([^"]+)"', full_html))
    assert links and links <= targets, sorted(links - targets)


def test_print_rendering_differs_only_in_its_charts_which_are_svg_images_with_text(full, warehouse, feeds, full_html):
    open_before = set(plt.get_fignums())
    with build_report(full, warehouse.run_id, feeds=feeds, generated_at=GENERATED_AT) as report:
        printed = report.html("print")
        assert report.html("screen") == full_html
    assert set(plt.get_fignums()) <= open_before  # the report closed its figures

    assert "<svg" not in printed
    images = re.findall(r'<figure class="chart"><img src="data:image/svg\+xml;base64,([^"]+)" alt="([^"]+)">', printed)
    screen_charts = re.findall(r'<figure class="chart" aria-label="([^"]+)">(.*?)</figure>', full_html, re.DOTALL)
    assert len(images) == len(screen_charts) == _chart_count(full)
    for (data, alt), (label, screen_svg) in zip(images, screen_charts, strict=True):
        svg = base64.b64decode(data).decode("utf-8")
        assert alt == label
        assert "<text" in svg and "<text" not in screen_svg
        assert re.search(r'viewBox="[^"]+"', svg).group() == re.search(r'viewBox="[^"]+"', screen_svg).group()

    def without_charts(html: str) -> str:
        return re.sub(r"<figure.*?</figure>", "", html, flags=re.DOTALL)

    assert without_charts(printed) == without_charts(full_html)


def test_fallback_reasons_read_as_sentences():
    assert plain_reason("ets_damped: ValueError: need at least 10 observations, got 8") == (
        "the history was too short for this model (it needs at least 10 observations)"
    )
    assert plain_reason("loglinear_hac: LinAlgError: SVD did not converge") == "the model's fit did not converge"
    assert plain_reason("x: RuntimeError: boom") == "the model could not be fitted to this series"


def test_vintage_says_whether_a_time_is_a_download_or_a_file_read():
    from reports.sections.cover import retrieval_kind

    assert retrieval_kind("https://openrouter.ai/api/v1/models") == "downloaded from the live endpoint"
    assert retrieval_kind("bundled:litellm/token_prices.csv").startswith("bundled snapshot read")
    assert retrieval_kind("/tmp/export.csv") == "file given with --file read"


def test_declines_section_shows_the_reproduced_table_next_to_our_estimate(full, warehouse, full_html):
    text = section_text(full_html, "decline-factors")
    rows = full.execute(
        "select count(*), count(*) filter (where within_1_5x), count(explanation) "
        "from forecast.published_reproduction where run_id = ?",
        [warehouse.run_id],
    ).fetchall()[0]
    assert rows[0] == 21
    assert f"{rows[1]} of 21 tiers are within 1.5× of the published factor" in text
    assert f"{rows[2]} of 21 tiers differ by more than 2×" in text
    explanation = full.execute(
        "select explanation from forecast.published_reproduction where run_id = ? and explanation is not null limit 1",
        [warehouse.run_id],
    ).fetchall()
    if explanation:
        assert explanation[0][0].split(";")[0] in text


def test_reasoning_headline_leaves_out_the_logistic_extrapolation(full, warehouse, summary):
    # On main the card printed the logistic curve's share at the as-of date, 100.0% (90% CI
    # 99.9%-100.0%), beside an 82% forecast: a binomial CI beyond the data that contradicted it.
    (fitted,) = full.execute(
        "select count(*) from forecast.adoption_fits where run_id = ? and parameter = 'share_at_as_of'",
        [warehouse.run_id],
    ).fetchall()[0]
    assert fitted == 1  # the run still records it (forecast.adoption_fits); the headline does not show it
    assert "fitted share on" not in summary
    assert "forecast share of new releases that reason" in summary


def test_sensitivity_headings_and_the_champion_rule_read_in_words(full_html):
    # On main the columns were headed blend_1to1, first_party_prices..., and the methodology said
    # champions cover "at least about 80%" while the rule requires 65% (50% for quarterly series).
    sensitivity = section_text(full_html, "decline-sensitivity")
    assert "1:1 blend" in sensitivity and "blend_1to1" not in sensitivity
    methodology = section_text(full_html, "methodology")
    assert "cover at least 65.0% of backtest actuals (50.0% for quarterly series" in methodology
    assert "about 80%" not in methodology


def test_accuracy_names_tier_series_by_label(full, full_html, warehouse):
    # On main the backtest summary listed price tiers by id (gpqa_gpt4_0314).
    accuracy = section_text(full_html, "forecast-accuracy")
    tiers = full.execute(
        "select distinct b.series_id, t.label from forecast.backtests as b "
        "join marts.capability_tiers as t on t.tier_id = b.series_id where b.run_id = ?",
        [warehouse.run_id],
    ).fetchall()
    assert tiers
    for tier_id, label in tiers:
        assert label in accuracy and f" {tier_id} " not in f" {accuracy} "


def test_revenue_headline_gives_the_latest_year_beside_the_fitted_rate(full, summary):
    # On main the card said 2.4x a year (CI 2.1x-2.7x) while its own table grew 1.7x in the last year.
    rows = full.execute(
        "select fiscal_quarter, datacenter_revenue_usd from marts.revenue_reconciliation "
        "where datacenter_revenue_usd is not null order by period_end desc limit 5"
    ).fetchall()
    assert len(rows) == 5 and rows[0][0][-2:] == rows[4][0][-2:]
    latest = rows[0][1] / rows[4][1]
    assert f"the latest year grew {fmt.factor(latest)} ({fmt.usd(rows[4][1])} in {rows[4][0]}" in summary


def test_accuracy_explains_a_mase_that_is_large_for_every_model(full, full_html, warehouse):
    # On main price champions showed MASE 4-17 ("far worse than naive") without a word: naive
    # scores as badly, because the MASE scale is a step series' tiny one-step change.
    medians = dict(
        full.execute(
            "select target, median(mase) from forecast.backtests where run_id = ? and model = 'naive' group by target",
            [warehouse.run_id],
        ).fetchall()
    )
    accuracy = section_text(full_html, "forecast-accuracy")
    for target, median in medians.items():
        label = TARGET_LABELS.get(target, target)
        explained = f"{label}: every candidate scores a median MASE far above 1" in accuracy
        assert explained is (median is not None and median >= 2.0), target
