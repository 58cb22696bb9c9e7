"""Adoption curves for the share of new releases that are reasoning models.

Both models follow the contract of forecasts.base (alias, hyperparameters, fit, predict)
with one difference in the history: `y` is a share in [0, 1] (zeros allowed) and an
optional column `n` holds its denominator, the number of releases with a known flag in the
period (transforms.adoption.adoption_history builds it). Without `n`, every row weighs 1.
Per-model rows (y = 0 or 1, n = 1; transforms.adoption.per_model_history) work as well.

Time. A per-period share describes releases spread over the period, so when every `ds` is
the first of a month (a per-period history) it is placed at the middle of its period
(`offset_months=None`, the default: half of `period_months`); otherwise, e.g. per-model
release dates, at `ds` itself. Placing it at the period start would shift the fitted curve
and the midpoint date half a period early. `predict` returns period starts and the share
of the period (at its middle); `share_at` and `midpoint` speak about exact dates.

LogisticAdoption
    Binomial GLM with logit link of the share on time in years since the first date:
    logit(share) = b0 + b1 t. Fitted on counts (y n successes out of n), so a period with
    many releases weighs more. The midpoint (share = 50%) is t* = -b0 / b1, with a CI from
    the delta method: var(t*) = g' V g with g = (-1/b1, b0/b1^2). The delta method is
    adequate while b1 is clearly non-zero; a bootstrap or Fieller interval would be the
    choice if the slope were barely identified. When the counts are overdispersed (Pearson
    chi^2 / df > 1, e.g. releases arriving in correlated waves) the covariance is inflated
    by that factor; it is never deflated, and per-model binary rows use 1.
    Intervals from `predict` and `share_at` are confidence intervals of the expected share,
    computed on the logit scale and mapped back (so they stay in [0, 1]). An observed
    period share scatters around it by binomial noise; set `predictive_n` to the number of
    releases expected per period to widen the intervals by that noise (a normal
    approximation on the logit scale), e.g. for backtest coverage.

BassAdoption
    Bass diffusion: the per-period share is read as the adopted fraction m F(t), with
    F(t) = (1 - exp(-(p+q) t)) / (1 + (q/p) exp(-(p+q) t)) for t >= 0 years since `origin`
    (F = 0 before), p the innovation and q the imitation coefficient per year. m is the
    long-run share, fixed at 1 by default (every new release eventually reasons), or
    fitted in (0, 1] with `m=None` when the data should decide whether a ceiling exists.
    Fitted by weighted nonlinear least squares (scipy curve_fit, sigma = 1/sqrt(n): weights
    proportional to n, binomial precision without its p(1-p) factor, which would give
    periods at share 0 or 1 infinite weight); parameter standard errors come from curve_fit's
    covariance scaled by the residual variance. p and q are fitted on the log scale (they must
    be positive, and their uncertainty is multiplicative), so the reported standard errors
    are delta-method ones, p * se(log p). Intervals are delta-method ones on the logit of
    the share (numerical gradient in the fitted parameters), like the logistic's: confidence
    intervals of the curve, not of a period's observed share. (Sampling the parameters
    instead gives intervals that need not contain the fitted curve when a parameter sits at
    a bound.) The default origin is the start of
    the first period with a non-zero share; pass the date of the first reasoning release
    (2024-09-12, o1-preview) to anchor it instead. On short, noisy histories the Bass fit
    is weakly identified (q drifts to its bound and the standard errors explode): read
    those standard errors as the warning they are.
"""

from __future__ import annotations

import datetime as dt
import math
import warnings
from dataclasses import dataclass, field
from typing import Any, Self

import numpy as np
import polars as pl
from scipy import optimize, special, stats

from forecasts.base import DEFAULT_LEVELS, add_months

DAYS_PER_YEAR = 365.25


def _years(days: list[dt.date], origin: dt.date) -> np.ndarray:
    return np.array([(day - origin).days / DAYS_PER_YEAR for day in days], dtype=float)


def _date_after(origin: dt.date, years: float) -> dt.date | None:
    """origin + years as a date, or None when it falls outside the calendar."""
    if not math.isfinite(years):
        return None
    try:
        return origin + dt.timedelta(days=round(years * DAYS_PER_YEAR))
    except OverflowError:
        return None


def share_history(history: pl.DataFrame) -> tuple[list[dt.date], np.ndarray, np.ndarray]:
    """Validated (dates, shares, weights) from a `ds, y[, n]` history, sorted by date."""
    if "ds" not in history.columns or "y" not in history.columns:
        raise ValueError("history needs columns ds and y")
    weights = pl.col("n").cast(pl.Float64) if "n" in history.columns else pl.lit(1.0)
    frame = history.select("ds", pl.col("y").cast(pl.Float64), weights.alias("n")).drop_nulls().sort("ds")
    frame = frame.filter(pl.col("n") > 0)
    y = frame["y"].to_numpy()
    if np.any((y < 0) | (y > 1)):
        raise ValueError("adoption history y must be a share in [0, 1]")
    return frame["ds"].to_list(), y, frame["n"].to_numpy()


def observation_offset_years(days: list[dt.date], period_months: int, offset_months: float | None) -> float:
    """Where in its period a `ds` is observed, in years after `ds` (see the module doc)."""
    if offset_months is None:
        offset_months = period_months / 2.0 if all(day.day == 1 for day in days) else 0.0
    return offset_months / 12.0


def infer_period_months(days: list[dt.date]) -> int:
    """The most common gap in months between consecutive distinct dates (1 if unknowable)."""
    months = sorted({day.year * 12 + day.month for day in days})
    gaps = np.diff(months)
    if gaps.size == 0:
        return 1
    values, counts = np.unique(gaps, return_counts=True)
    return int(values[np.argmax(counts)])


def _future(last: dt.date, h: int, period_months: int) -> list[dt.date]:
    start = dt.date(last.year, last.month, 1)
    return [add_months(start, step * period_months) for step in range(1, h + 1)]


@dataclass(frozen=True)
class DateEstimate:
    """A date with a confidence interval (None where it falls outside the calendar)."""

    value: dt.date | None
    ci_low: dt.date | None
    ci_high: dt.date | None
    level: float
    years_since_origin: float
    se_years: float


@dataclass(frozen=True)
class ShareEstimate:
    ds: dt.date
    share: float
    ci_low: float
    ci_high: float
    level: float


@dataclass
class LogisticFit:
    intercept: float  # b0, logit share at the origin
    slope_per_year: float  # b1: the log-odds grow by b1 per year (odds x exp(b1))
    cov: np.ndarray  # 2x2, already multiplied by `dispersion`
    dispersion: float
    origin: dt.date
    n_periods: int
    n_releases: float
    start: dt.date
    end: dt.date
    period_months: int
    offset_years: float  # observation time of a period's share after its ds


@dataclass
class LogisticAdoption:
    alias: str = "logistic_glm"
    period_months: int | None = None  # spacing of forecast periods; inferred from history if None
    offset_months: float | None = None  # where in its period a share is observed; see module doc
    overdispersion: bool = True
    predictive_n: float | None = None
    fitted: LogisticFit | None = field(default=None, init=False)

    @property
    def hyperparameters(self) -> dict[str, Any]:
        return {
            "period_months": self.period_months,
            "offset_months": self.offset_months,
            "overdispersion": self.overdispersion,
            "predictive_n": self.predictive_n,
        }

    def fit(self, history: pl.DataFrame) -> Self:
        import statsmodels.api as sm

        days, y, n = share_history(history)
        if len(days) < 3 or len(set(days)) < 2:
            raise ValueError("need at least 3 observations on at least 2 dates")
        if np.all(y == y[0]) and y[0] in (0.0, 1.0):
            raise ValueError("the share never varies (all 0 or all 1): no adoption curve to fit")
        origin = days[0]
        period_months = self.period_months or infer_period_months(days)
        offset = observation_offset_years(days, period_months, self.offset_months)
        t = _years(days, origin) + offset
        design = sm.add_constant(t, has_constant="add")
        endog = np.column_stack([y * n, (1.0 - y) * n])
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", category=RuntimeWarning)
            result = sm.GLM(endog, design, family=sm.families.Binomial()).fit()
        dispersion = 1.0
        if self.overdispersion and np.any(n > 1) and result.df_resid > 0:
            dispersion = max(1.0, float(result.pearson_chi2) / float(result.df_resid))
        self.fitted = LogisticFit(
            intercept=float(result.params[0]),
            slope_per_year=float(result.params[1]),
            cov=np.asarray(result.cov_params()) * dispersion,
            dispersion=dispersion,
            origin=origin,
            n_periods=len(days),
            n_releases=float(n.sum()),
            start=days[0],
            end=days[-1],
            period_months=period_months,
            offset_years=offset,
        )
        return self

    def _require_fit(self) -> LogisticFit:
        if self.fitted is None:
            raise RuntimeError(f"{self.alias}: used before fit()")
        return self.fitted

    def _logit(self, days: list[dt.date], offset_years: float = 0.0) -> tuple[np.ndarray, np.ndarray]:
        fit = self._require_fit()
        t = _years(days, fit.origin) + offset_years
        design = np.column_stack([np.ones_like(t), t])
        eta = design @ np.array([fit.intercept, fit.slope_per_year])
        var = np.einsum("ij,jk,ik->i", design, fit.cov, design)
        return eta, var

    def predict(self, h: int, levels: tuple[int, ...] = DEFAULT_LEVELS) -> pl.DataFrame:
        fit = self._require_fit()
        future = _future(fit.end, h, fit.period_months)
        eta, var = self._logit(future, fit.offset_years)
        if self.predictive_n:
            p = special.expit(eta)
            var = var + fit.dispersion / (self.predictive_n * np.clip(p * (1 - p), 1e-12, None))
        se = np.sqrt(var)
        columns: dict[str, Any] = {"ds": future, "mean": special.expit(eta)}
        for level in levels:
            z = stats.norm.ppf(0.5 + level / 200.0)
            columns[f"lo_{level}"] = special.expit(eta - z * se)
            columns[f"hi_{level}"] = special.expit(eta + z * se)
        return pl.DataFrame(columns, schema_overrides={"ds": pl.Date()})

    def share_at(self, day: dt.date, level: float = 0.90) -> ShareEstimate:
        """The expected share on `day` with a confidence interval (no predictive noise)."""
        eta, var = self._logit([day])
        z = stats.norm.ppf(0.5 + level / 2.0)
        se = math.sqrt(float(var[0]))
        return ShareEstimate(
            ds=day,
            share=float(special.expit(eta[0])),
            ci_low=float(special.expit(eta[0] - z * se)),
            ci_high=float(special.expit(eta[0] + z * se)),
            level=level,
        )

    def midpoint(self, level: float = 0.90) -> DateEstimate:
        """The date at which the expected share crosses 50%, with a delta-method CI."""
        fit = self._require_fit()
        b0, b1 = fit.intercept, fit.slope_per_year
        if b1 == 0:
            raise ValueError("flat logistic fit: no midpoint")
        years = -b0 / b1
        gradient = np.array([-1.0 / b1, b0 / b1**2])
        se = float(math.sqrt(max(float(gradient @ fit.cov @ gradient), 0.0)))
        z = float(stats.norm.ppf(0.5 + level / 2.0))
        return DateEstimate(
            value=_date_after(fit.origin, years),
            ci_low=_date_after(fit.origin, years - z * se),
            ci_high=_date_after(fit.origin, years + z * se),
            level=level,
            years_since_origin=years,
            se_years=se,
        )


def bass_share(t: np.ndarray, p: float, q: float, m: float = 1.0) -> np.ndarray:
    """m F(t) of the Bass model (F = 0 for t < 0); t in years, p and q per year."""
    tt = np.clip(np.asarray(t, dtype=float), 0.0, None)
    decay = np.exp(-(p + q) * tt)
    return np.asarray(m * (1.0 - decay) / (1.0 + (q / p) * decay), dtype=float)


@dataclass(frozen=True)
class BassParameters:
    p: float
    q: float
    m: float
    p_se: float
    q_se: float
    m_se: float  # 0 when m is fixed
    origin: dt.date


@dataclass
class BassFit:
    theta: np.ndarray  # log p, log q[, m]
    cov: np.ndarray  # covariance of theta
    m_fixed: float | None
    origin: dt.date
    end: dt.date
    period_months: int
    offset_years: float
    n_periods: int


_LOG_BOUNDS = (math.log(1e-6), math.log(100.0))  # p and q per year


@dataclass
class BassAdoption:
    alias: str = "bass_nls"
    m: float | None = 1.0  # long-run share; None = fitted in (0, 1]
    origin: dt.date | None = None  # t = 0 of the diffusion; default: see module doc
    period_months: int | None = None
    offset_months: float | None = None
    fitted: BassFit | None = field(default=None, init=False)

    @property
    def hyperparameters(self) -> dict[str, Any]:
        return {
            "m": self.m,
            "origin": self.origin.isoformat() if self.origin else None,
            "period_months": self.period_months,
            "offset_months": self.offset_months,
        }

    def fit(self, history: pl.DataFrame) -> Self:
        days, y, n = share_history(history)
        if len(days) < 3:
            raise ValueError("need at least 3 observations")
        if not np.any(y > 0):
            raise ValueError("the share is never above zero: diffusion has not started")
        period_months = self.period_months or infer_period_months(days)
        offset = observation_offset_years(days, period_months, self.offset_months)
        origin = self.origin if self.origin is not None else days[int(np.argmax(y > 0))]
        t = _years(days, origin) + offset
        fit_m = self.m is None
        m_fixed = None if self.m is None else float(self.m)

        def curve(tt: np.ndarray, *theta: float) -> np.ndarray:
            m = theta[2] if m_fixed is None else m_fixed
            return bass_share(tt, math.exp(theta[0]), math.exp(theta[1]), m)

        start = [math.log(0.05), math.log(1.0)] + ([max(float(y.max()), 0.5)] if fit_m else [])
        lower = [_LOG_BOUNDS[0], _LOG_BOUNDS[0]] + ([1e-6] if fit_m else [])
        upper = [_LOG_BOUNDS[1], _LOG_BOUNDS[1]] + ([1.0] if fit_m else [])
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", category=optimize.OptimizeWarning)
            theta, cov = optimize.curve_fit(
                curve, t, y, p0=start, sigma=1.0 / np.sqrt(n), bounds=(lower, upper), maxfev=20000
            )
        self.fitted = BassFit(
            theta=np.asarray(theta, dtype=float),
            cov=np.where(np.isfinite(cov), cov, 0.0),
            m_fixed=m_fixed,
            origin=origin,
            end=days[-1],
            period_months=period_months,
            offset_years=offset,
            n_periods=len(days),
        )
        return self

    def _require_fit(self) -> BassFit:
        if self.fitted is None:
            raise RuntimeError(f"{self.alias}: used before fit()")
        return self.fitted

    @property
    def parameters(self) -> BassParameters:
        fit = self._require_fit()
        se = np.sqrt(np.clip(np.diag(fit.cov), 0.0, None))
        p, q = math.exp(fit.theta[0]), math.exp(fit.theta[1])
        return BassParameters(
            p=p,
            q=q,
            m=float(fit.theta[2]) if fit.m_fixed is None else fit.m_fixed,
            p_se=p * float(se[0]),
            q_se=q * float(se[1]),
            m_se=float(se[2]) if fit.m_fixed is None else 0.0,
            origin=fit.origin,
        )

    def share(self, days: list[dt.date], offset_years: float = 0.0) -> np.ndarray:
        """The fitted share m F(t) on the given dates (plus `offset_years`)."""
        par = self.parameters
        return bass_share(_years(days, par.origin) + offset_years, par.p, par.q, par.m)

    def _curve(self, theta: np.ndarray, t: np.ndarray) -> np.ndarray:
        fit = self._require_fit()
        m = float(theta[2]) if fit.m_fixed is None else fit.m_fixed
        return bass_share(t, math.exp(theta[0]), math.exp(theta[1]), m)

    def predict(self, h: int, levels: tuple[int, ...] = DEFAULT_LEVELS) -> pl.DataFrame:
        fit = self._require_fit()
        future = _future(fit.end, h, fit.period_months)
        t = _years(future, fit.origin) + fit.offset_years
        mean = self._curve(fit.theta, t)
        step = 1e-6
        jacobian = np.empty((len(t), fit.theta.size))
        for k in range(fit.theta.size):
            shift = np.zeros_like(fit.theta)
            shift[k] = step
            up = special.logit(np.clip(self._curve(fit.theta + shift, t), 1e-12, 1 - 1e-12))
            down = special.logit(np.clip(self._curve(fit.theta - shift, t), 1e-12, 1 - 1e-12))
            jacobian[:, k] = (up - down) / (2 * step)
        se = np.sqrt(np.clip(np.einsum("ij,jk,ik->i", jacobian, fit.cov, jacobian), 0.0, None))
        eta = special.logit(np.clip(mean, 1e-12, 1 - 1e-12))
        columns: dict[str, Any] = {"ds": future, "mean": mean}
        for level in levels:
            z = stats.norm.ppf(0.5 + level / 200.0)
            # Before the origin the share is 0 by definition, with no uncertainty.
            columns[f"lo_{level}"] = np.where(mean > 0, special.expit(eta - z * se), 0.0)
            columns[f"hi_{level}"] = np.where(mean > 0, special.expit(eta + z * se), 0.0)
        return pl.DataFrame(columns, schema_overrides={"ds": pl.Date()})
