import datetime as dt

from sources.model_rows import ModelObservation, model_rows


def _obs(alias, model_id, **kwargs):
    return ModelObservation(alias=alias, model_id=model_id, model_name=alias, source_row=1, where=alias, **kwargs)


def _rows(*observations):
    return model_rows(observations, source="s", feed="f", licence="MIT")


def test_one_model_row_per_id_with_aggregated_facts():
    models, aliases = _rows(
        _obs("a/x-1", "x", organization="Acme", released_on=dt.date(2025, 3, 1), is_reasoning=None),
        _obs("b/x-1", "x", organization="Acme", released_on=dt.date(2025, 1, 1), is_reasoning=False),
        _obs("x", "x", is_reasoning=True, reasoning_mode="hybrid"),
        _obs("y", "y", organization="Acme", is_reasoning=False, reasoning_mode="none"),
        _obs("z/y", "y", organization="Other"),
    )
    by_id = {m["model_id"]: m for m in models}
    assert list(by_id) == ["x", "y"]
    x = by_id["x"]
    assert x["model_name"] == "a/x-1" and x["organization"] == "Acme"
    assert x["released_on"] == dt.date(2025, 1, 1)
    assert x["is_reasoning"] is True and x["reasoning_mode"] == "hybrid"  # only the agreeing flag's mode
    assert "2 more identifier(s)" in x["provenance"] and x["provenance"].endswith("; MIT")
    y = by_id["y"]
    assert y["organization"] == "" and y["is_reasoning"] is False and y["reasoning_mode"] == "none"
    assert {a["alias"]: a["match_method"] for a in aliases} == {
        "a/x-1": "normalized",
        "b/x-1": "normalized",
        "x": "exact",
        "y": "exact",
        "z/y": "normalized",
    }


def test_conflicting_modes_are_unknown_and_empty_ids_are_skipped():
    models, aliases = _rows(
        _obs("m", "m", is_reasoning=True, reasoning_mode="hybrid"),
        _obs("m:t", "m", is_reasoning=True, reasoning_mode="always_on"),
        _obs("???", ""),
    )
    assert [m["reasoning_mode"] for m in models] == [None]
    assert "???" not in {a["alias"] for a in aliases}


def test_a_repeated_identifier_is_one_alias_from_its_first_observation():
    _, aliases = _rows(_obs("k", "k"), ModelObservation("k", "k", "k", 9, "later"))
    assert len(aliases) == 1 and aliases[0]["source_row"] == 1
