"""People on the move, held as arrays: one row per person, no super-individuals.

Everyone who will enter during the run is drawn at the start (entry day, route, nationality, funds, risk
tolerance) from the journeys stream; each day a vectorised update moves people along their route legs, and
at the coast they decide whether to buy a place on a boat, wait, give up or abandon the attempt.
"""

from __future__ import annotations

import itertools
from enum import IntEnum

import numpy as np

from sim.config import MigrationConfig
from sim.geography import Geography, draw_leg_days


class State(IntEnum):
    """Where a person is; every person is in exactly one state each day."""

    NOT_ENTERED = 0
    IN_TRANSIT = 1
    AT_COAST = 2  # waiting in a camp, no place bought
    HAS_PLACE = 3  # paid a network, waiting for a launch
    ARRIVED_UK = 4
    DIED = 5
    GAVE_UP = 6  # stayed in France or moved on after waiting or failed attempts
    DETERRED = 7  # decided not to attempt because of the perceived risk of removal


TERMINAL = (State.ARRIVED_UK, State.DIED, State.GAVE_UP, State.DETERRED)
N_STATES = len(State)
# Plain ints for the hot array updates: numpy compares and assigns an IntEnum several times slower than an int.
_IN_TRANSIT, _AT_COAST, _HAS_PLACE = int(State.IN_TRANSIT), int(State.AT_COAST), int(State.HAS_PLACE)
_GAVE_UP, _DETERRED, _FIRST_TERMINAL = int(State.GAVE_UP), int(State.DETERRED), int(State.ARRIVED_UK)


def entry_days(
    cfg: MigrationConfig,
    first_doy: int,
    n_days: int,
    scale: float,
    rng: np.random.Generator,
    annual: np.ndarray | None = None,
) -> np.ndarray:
    """Day index (0 = first simulated day) on which each person enters a route: seasonal Poisson arrivals.

    ``annual``: each day's yearly demand level (sim/demand.py); None: ``cfg.annual_entrants`` every day."""
    doy = (first_doy - 1 + np.arange(n_days)) % 365 + 1
    rate = (
        (cfg.annual_entrants if annual is None else annual)
        * scale
        / 365.0
        * (1.0 + cfg.entry_seasonal_amplitude * np.cos(2 * np.pi * (doy - cfg.entry_peak_day) / 365.0))
    )
    counts = rng.poisson(np.maximum(rate, 0.0))
    return np.repeat(np.arange(n_days, dtype=np.int32), counts)


class Population:
    """State of every person as parallel numpy arrays, indexed by person."""

    def __init__(
        self,
        cfg: MigrationConfig,
        geo: Geography,
        entry_day: np.ndarray,
        rng: np.random.Generator,
        mix: list[tuple[int, dict[str, float]]] | None = None,
    ) -> None:
        self.cfg = cfg
        self.geo = geo
        n = len(entry_day)
        self.n = n
        self.entry_day = entry_day.astype(np.int32)
        self.state = np.zeros(n, dtype=np.int8)
        if mix is None:
            self.route = _choice(rng, geo.route_share, n).astype(np.int8)
            nat_cum = np.cumsum(geo.route_nationality, axis=1)
            u = rng.random(n)
            self.nationality = (u[:, None] > nat_cum[self.route]).sum(axis=1).astype(np.int8)
        else:  # dated changes of the mix (sim/timeline.py): route and nationality drawn together
            self.route, self.nationality = _draw_mix(geo, self.entry_day, mix, rng)
        self.leg = np.zeros(n, dtype=np.int8)
        first = draw_leg_days(rng, geo.leg_days_mean[self.route, 0], geo.leg_days_cv[self.route, 0])
        self.next_day = (self.entry_day + np.rint(first)).astype(np.int32)
        self.funds = (cfg.funds_median_gbp * np.exp(cfg.funds_sigma * rng.standard_normal(n))).astype(np.float32)
        a = 4.0
        m = min(max(cfg.risk_tolerance_mean, 1e-3), 1 - 1e-3)
        self.risk_tolerance = rng.beta(a * m, a * (1 - m), n).astype(np.float32)
        self._risk_aversion = 1.0 - self.risk_tolerance  # float32, as the buying chance computes it
        self.camp = np.full(n, -1, dtype=np.int8)
        self.network = np.full(n, -1, dtype=np.int16)
        self.place_day = np.full(n, -1, dtype=np.int32)
        self.price_paid = np.zeros(n, dtype=np.float32)
        self.coast_day = np.full(n, -1, dtype=np.int32)
        self.failed_attempts = np.zeros(n, dtype=np.int16)
        self._entered = 0  # people with entry_day < today are entered (entry_day is sorted)
        # A day costs what the people on the move and at the coast cost, not what everyone who ever entered costs:
        # five years take five times one year. People on the move are held with their next day in one contiguous
        # list (``_moving``), so finding the day's movers is one comparison, not a gather from the person arrays.
        self._in_transit = 0
        self._moving = _OnTheMove()
        # The people who have reached the coast (waiting, holding a place, or left since the last compaction), in
        # index order: the coast's daily decisions and the launch queues read these few thousand.
        self.coast = np.zeros(0, dtype=np.intp)
        # Everyone who bought a place, in the order they bought it (day, then index), still holding it as of the
        # last launch queues: a stable sort of these by network is the launch queues' order (network, day paid,
        # index) without a sort by day. ``_holders`` is how many hold a place after the coast's decisions.
        self._bought = np.zeros(0, dtype=np.intp)
        self._holders = 0
        self._left_counts = np.zeros(N_STATES, dtype=np.int64)  # people compacted out, by terminal state
        self._wait_base = np.zeros(0)
        self._chances_key: tuple[int, float] | None = None
        self._chances = (self._wait_base, self._wait_base)
        self._tables = _LegTables(geo)
        # Each person's (route, leg) as one flat index of the leg tables, kept with route and leg: the day's movers
        # read one array instead of two and their arithmetic.
        self._cell = self.route.astype(np.intp) * self._tables.n_cols  # np.intp: the tables' fast index

    # ----------------------------------------------------------------------------------------- journeys
    def enter(self, day: int, rng: np.random.Generator, recruitment_cut: np.ndarray) -> tuple[int, int]:
        """Start the journeys of everyone whose entry day has come.

        ``recruitment_cut`` (per nationality) is the chance that a person is not recruited at all (posts in source
        regions); they are counted as deterred. Returns (entered, not recruited).
        """
        end = int(self.entry_day.searchsorted(np.int32(day), side="right"))  # a Python int would copy the array
        start = self._entered
        self.state[start:end] = _IN_TRANSIT
        self._entered = end
        dropped = 0
        if end <= start:
            return 0, 0
        new = np.arange(start, end, dtype=np.intp)
        first_days = self.next_day[start:end]
        if recruitment_cut.any():
            stay_home = rng.random(end - start) < recruitment_cut[self.nationality[start:end]]
            dropped = int(np.count_nonzero(stay_home))
            if dropped:
                self.state[start:end][stay_home] = _DETERRED
                self._left_counts[_DETERRED] += dropped  # never on the move: straight to the leavers' count
                recruited = ~stay_home
                new, first_days = new.compress(recruited), first_days.compress(recruited)
        self._moving.add(new, first_days)
        self._in_transit += end - start - dropped
        return end - start, dropped

    @property
    def entered(self) -> int:
        return self._entered

    def advance_journeys(
        self, day: int, rng: np.random.Generator, interception_boost: np.ndarray | None = None
    ) -> tuple[np.ndarray, int]:
        """Move people whose current leg ends today; return who reached the coast and how many were pushed back."""
        slots, movers = self._moving.due(day)
        if movers.size == 0:
            return movers, 0
        tab = self._tables
        cell = self._cell[movers]  # (route, leg) as one flat index
        stopped = rng.random(movers.size) < tab.stop_prob(interception_boost)[cell]
        pushed = movers.compress(stopped)
        # Pushed back or queued: try the same leg again later.
        cell_pushed = cell.compress(stopped)
        if tab.capacity is None:
            blocked = stopped
            self.next_day[pushed] = day + tab.pushback_days[cell_pushed]
        else:
            blocked = stopped | _over_capacity(cell, tab.capacity, ~stopped, rng)
            delay = np.where(stopped, tab.pushback_days[cell], 1)
            self.next_day[movers.compress(blocked)] = day + delay.compress(blocked)
        if self.cfg.route_switch_prob > 0 and pushed.size:
            self._switch_routes(pushed, cell_pushed, day, rng)
        moving = ~blocked
        go = movers.compress(moving)
        cell_go = cell.compress(moving)
        done = tab.last_leg[cell_go]
        arrived = go.compress(done)
        self.state[arrived] = _AT_COAST
        self.coast_day[arrived] = day
        self.camp[arrived] = tab.camp_cum.searchsorted(rng.random(arrived.size), side="right")
        if arrived.size:
            # two sorted runs: the stable sort (timsort) merges them in one pass
            self.coast = np.sort(np.concatenate((self.coast, arrived)), kind="stable")
            self._in_transit -= arrived.size
        on = ~done
        cont = go.compress(on)
        cell_next = cell_go.compress(on) + 1
        self.leg[cont] = tab.leg_of_cell[cell_next]
        self._cell[cont] = cell_next
        self.next_day[cont] = _whole_days_after(day, tab.leg_days(rng, cell_next))
        self._moving.move_on(slots, self.next_day[movers], slots.compress(moving).compress(done))
        return arrived, int(pushed.size)

    def _switch_routes(self, pushed: np.ndarray, cells: np.ndarray, day: int, rng: np.random.Generator) -> None:
        """Some of those pushed back (on the legs ``cells``) try another route from the same origin, from its start
        (displacement)."""
        tab = self._tables
        alt = tab.alternative_route[cells]
        switching = (alt >= 0) & (rng.random(pushed.size) < self.cfg.route_switch_prob)
        switch = pushed.compress(switching)
        if switch.size == 0:
            return
        new = alt.compress(switching)
        self.route[switch] = new
        self.leg[switch] = 0
        first = new * tab.n_cols
        self._cell[switch] = first
        days = tab.leg_days(rng, first, tab.switch_shape)
        self.next_day[switch] = _whole_days_after(day, days)

    # -------------------------------------------------------------------------------------- at the coast
    def coast_decisions(
        self,
        day: int,
        rng: np.random.Generator,
        prices: np.ndarray,
        network_weight: np.ndarray,
        perceived_death_risk: float,
        deterrence_hazard: np.ndarray,
        purchase_factor: np.ndarray,
        winter: float = 0.0,
    ) -> dict:
        """Waiting costs, leaving and buying a place for everyone waiting at the coast.

        ``perceived_death_risk`` is deaths per 1,000 people crossing as heard in recent news;
        ``deterrence_hazard`` (per nationality) the daily probability of abandoning the attempt for fear of
        removal or return, ``purchase_factor`` (per nationality) how much that fear slows buying a place;
        ``winter`` the weather's winter weight (0 on the calmest day, 1 half a year later).
        """
        cfg = self.cfg
        out: dict = {"gave_up": 0, "deterred": 0, "places_sold": 0, "revenue_gbp": 0.0}
        self._holders = 0
        # Both groups from one read of the states (holders who quit below do not change who is waiting).
        states = self._compact_coast()
        holders = self.coast.compress(states == _HAS_PLACE)
        waiting = self.coast.compress(states == _AT_COAST)
        if holders.size:
            # People holding a place give up too, and lose what they paid (leave_prob without a price, looked up).
            u = rng.random(holders.size)
            quit_ = holders.compress(u < self._day_chances(day, winter)[1].take(self.coast_day[holders]))
            self._holders = holders.size - quit_.size
            self.state[quit_] = _GAVE_UP
            out["gave_up"] += int(quit_.size)
        if waiting.size:
            self._wait_and_buy(
                waiting,
                day,
                rng,
                prices,
                network_weight,
                perceived_death_risk,
                deterrence_hazard,
                purchase_factor,
                winter,
                out,
            )
        out["outside_options"] = (
            rng.multinomial(
                out["gave_up"],
                [
                    cfg.lorry_share_of_leavers,
                    cfg.asylum_france_share_of_leavers,
                    1.0 - cfg.lorry_share_of_leavers - cfg.asylum_france_share_of_leavers,
                ],
            )
            if out["gave_up"]
            else np.zeros(3, dtype=np.int64)
        )
        return out

    def leave_prob(
        self,
        people: np.ndarray,
        day: int,
        winter: float,
        price: float | None = None,
        funds: np.ndarray | None = None,
    ) -> np.ndarray:
        """Daily chance of leaving the coast for an outside option: higher in the cold, the longer one waits and,
        for someone still looking for a place (``price``: the going price), the less of it their money covers.
        ``funds``: the people's money if the caller has just read it (``self.funds[people]`` otherwise)."""
        cfg = self.cfg
        # (day - coast day) / 30 * rate + 1, times the day's factor, in place (the same operations, fewer arrays)
        p = (day - self.coast_day[people]) / 30.0
        p *= cfg.wait_leave_per_month
        p += 1.0
        p *= cfg.give_up_per_day * (1.0 + cfg.cold_leave_factor * winter)
        if price is not None and price > 0 and cfg.short_of_price_leave_factor > 0:
            short = 1.0 - (self.funds[people] if funds is None else funds) / price
            np.minimum(np.maximum(short, 0.0, out=short), 1.0, out=short)  # np.clip(short, 0, 1), without its layers
            p *= 1.0 + cfg.short_of_price_leave_factor * short
        return np.minimum(p, 1.0, out=p)

    def _day_chances(self, day: int, winter: float) -> tuple[np.ndarray, np.ndarray]:
        """``leave_prob`` without a price for each coast day 0 to ``day``, before the cap at 1 (first) and after it
        (second): the same operations on each wait, done once a day, so one look-up gives each person's chance."""
        if self._chances_key != (day, winter):
            cfg = self.cfg
            n = day + 1
            if self._wait_base.size < n:  # (waited / 30) * rate + 1 for each wait, grown as the days go by
                base = np.arange(max(n, 2 * self._wait_base.size, 64)) / 30.0
                base *= cfg.wait_leave_per_month
                base += 1.0
                self._wait_base = base
            raw = self._wait_base[n - 1 :: -1] * (cfg.give_up_per_day * (1.0 + cfg.cold_leave_factor * winter))
            self._chances = (raw, np.minimum(raw, 1.0))  # index: coast day (wait day - coast day)
            self._chances_key = (day, winter)
        return self._chances

    def _wait_and_buy(
        self,
        waiting: np.ndarray,
        day: int,
        rng: np.random.Generator,
        prices: np.ndarray,
        network_weight: np.ndarray,
        perceived_death_risk: float,
        deterrence_hazard: np.ndarray,
        purchase_factor: np.ndarray,
        winter: float,
        out: dict,
    ) -> None:
        cfg = self.cfg
        # Savings come in, living costs (more in winter) go out; funds can run down while waiting.
        net = cfg.daily_savings_gbp - cfg.living_cost_gbp_per_day - cfg.winter_living_cost_gbp_per_day * winter
        funds = self.funds[waiting]
        funds += net
        np.maximum(funds, 0.0, out=funds)
        self.funds[waiting] = funds
        u = rng.random(waiting.size)
        total_weight = np.add.reduce(network_weight)  # .sum() without its Python layer (the same reduction)
        going = float(np.add.reduce(prices * network_weight) / total_weight) if total_weight > 0 else None
        # leave_prob(waiting, day, winter, going, funds), the wait's part looked up
        p_give_up = self._day_chances(day, winter)[0].take(self.coast_day[waiting])
        short_factor = cfg.short_of_price_leave_factor
        if going is not None and going > 0 and short_factor > 0:
            short = 1.0 - funds / going  # at most 1 (funds >= 0, just clamped): clip(short, 0, 1) is its maximum with 0
            np.maximum(short, 0.0, out=short)
            p_give_up *= 1.0 + short_factor * short
        np.minimum(p_give_up, 1.0, out=p_give_up)
        if deterrence_hazard.any():
            leave = u < p_give_up + deterrence_hazard[self.nationality[waiting]]
            below = u < p_give_up
            deterred = leave > below  # leave & (u >= p), for booleans
            gave_up = leave & below  # leave & ~deterred
            self.state[waiting.compress(deterred)] = _DETERRED
            out["deterred"] = int(np.count_nonzero(deterred))
        else:  # nobody fears removal today: u < p + 0 is u < p, and nobody is deterred
            leave = gave_up = u < p_give_up
            out["deterred"] = 0
        self.state[waiting.compress(gave_up)] = _GAVE_UP
        out["gave_up"] += int(np.count_nonzero(gave_up))
        stay = waiting.compress(~leave)
        if stay.size == 0 or total_weight <= 0:
            return
        # Recent deaths hold back the risk-averse; risk-tolerant people are barely affected. exp(-(k * x)) as
        # exp((-k) * x): negation is exact, the same numbers with one operation less.
        p_buy = (-(cfg.death_news_sensitivity * perceived_death_risk)) * self._risk_aversion[stay]
        np.exp(p_buy, out=p_buy)
        p_buy *= cfg.purchase_rate_per_day
        if (purchase_factor != 1.0).any():  # times 1 everywhere changes no value: skip it on ordinary days
            p_buy = p_buy * purchase_factor[self.nationality[stay]]
        looking = stay.compress(rng.random(stay.size) < p_buy)
        if looking.size == 0:
            return
        net = _choice(rng, network_weight / total_weight, looking.size)
        price = prices[net]
        funds = self.funds[looking]
        can_pay = funds >= price
        buyers, net, price = looking.compress(can_pay), net.compress(can_pay), price.compress(can_pay)
        self.state[buyers] = _HAS_PLACE
        self.network[buyers] = net
        self.place_day[buyers] = day
        self.price_paid[buyers] = price
        self.funds[buyers] = funds.compress(can_pay) - price  # funds[buyers] -= price: float64, then stored
        out["places_sold"] = int(buyers.size)
        self._bought = np.concatenate((self._bought, buyers))
        self._holders += buyers.size
        out["revenue_gbp"] = float(np.add.reduce(price))
        out["sold_by_network"] = np.bincount(net, minlength=len(prices))
        out["revenue_by_network"] = np.bincount(net, weights=price, minlength=len(prices))

    def give_up_after_failure(self, people: np.ndarray, rng: np.random.Generator) -> int:
        """People sent back from the beach or the sea may abandon the attempt."""
        self.failed_attempts[people] += 1
        quit_ = people.compress(rng.random(people.size) < self.cfg.give_up_per_failed_attempt)
        self.state[quit_] = _GAVE_UP
        return int(quit_.size)

    def queues(self, n_networks: int) -> list[np.ndarray]:
        """People holding a place with each network, first paid first."""
        bought = self._bought
        holders = bought.compress(self.state[bought] == _HAS_PLACE)
        self._bought = holders
        if holders.size != self._holders:  # places held that were not bought here (set by hand): sort them all
            return self._queues_by_sorting(n_networks)
        if holders.size == 0:
            return [holders] * n_networks
        # Already in the order of the day paid, then index: a stable sort by network (16-bit: by radix, fast)
        net = self.network[holders]
        holders = holders[net.argsort(kind="stable")]
        # where each network's run starts: the counts of the networks before it (searchsorted on the sorted networks)
        bounds = [0, *itertools.accumulate(np.bincount(net, minlength=n_networks)[:n_networks].tolist())]
        return [holders[bounds[k] : bounds[k + 1]] for k in range(n_networks)]

    def _queues_by_sorting(self, n_networks: int) -> list[np.ndarray]:
        """``queues`` from the coast's index, sorting by network, day paid and index."""
        holders = self.in_state(State.HAS_PLACE)
        self._bought = holders[np.argsort(self.place_day[holders], kind="stable")]
        self._holders = holders.size
        if holders.size == 0:
            return [holders] * n_networks
        # By network, then day paid, then index: one stable sort of a combined key (as lexsort, at half the cost).
        # The key fits in 16 bits when the days paid span little (they do: places are used or given up within
        # weeks), and numpy sorts 16-bit keys stably by radix, in a third of the time: the same order either way.
        net = self.network[holders]
        paid = self.place_day[holders]
        first = int(paid.min())
        span = int(paid.max()) - first + 1
        if n_networks * span <= 1 << 16:
            key = net.astype(np.uint16) * np.uint16(span) + (paid - first).astype(np.uint16)
        else:
            key = net.astype(np.int64) << 32 | paid
        order = np.argsort(key, kind="stable")
        holders = holders[order]
        bounds = net[order].searchsorted(np.arange(n_networks + 1))
        return [holders[bounds[k] : bounds[k + 1]] for k in range(n_networks)]

    def release_places(self, network: int) -> np.ndarray:
        """A dismantled network's customers are back to waiting, their money lost."""
        holders = self.in_state(State.HAS_PLACE)
        lost = holders[self.network[holders] == network]
        self.state[lost] = State.AT_COAST
        self.network[lost] = -1
        self._holders -= lost.size
        return lost

    def in_state(self, state: State) -> np.ndarray:
        """Indices of the people in a state, in index order; of a terminal state, those not yet compacted out."""
        value = int(state)
        if value <= _IN_TRANSIT:  # not entered or on the move: nobody is read this way on a hot path
            return np.flatnonzero(self.state[: self._entered] == value)
        return self.coast.compress(self.state[self.coast] == value)

    def compact(self) -> None:
        """Drop the people who have left the system (arrived, died, gave up, deterred) from the coast's index."""
        self._compact_coast()

    def _compact_coast(self) -> np.ndarray:
        """Compact the coast's index and return its people's states (the coast's decisions read them anyway)."""
        states = self.state[self.coast]
        gone = states >= _FIRST_TERMINAL
        if gone.any():
            self._left_counts += np.bincount(states.compress(gone), minlength=N_STATES)
            keep = ~gone
            self.coast = self.coast.compress(keep)
            states = states.compress(keep)
        return states

    def counts(self) -> np.ndarray:
        """People in each state (index = State value): those compacted out, the coast's and those on the move."""
        out = self._left_counts + np.bincount(self.state[self.coast], minlength=N_STATES)
        out[_IN_TRANSIT] += self._in_transit
        out[0] += self.n - self._entered  # State.NOT_ENTERED
        return out


class _LegTables:
    """Per-(route, leg) tables of the journey update, flat (index = route * n_cols + leg), computed once: the same
    values the daily update computed person by person, so the draws and outcomes are the same."""

    def __init__(self, geo: Geography) -> None:
        n_routes, self.n_cols = geo.leg_interception.shape
        self.interception = geo.leg_interception.ravel()
        self.pushback_days = np.rint(np.maximum(1.0, geo.leg_pushback_days.ravel())).astype(np.int32)
        self.capacity = geo.leg_capacity.ravel() if geo.leg_capacity.any() else None
        leg = np.tile(np.arange(self.n_cols), n_routes)
        self.leg_of_cell = leg.astype(np.int8)
        self.last_leg = leg + 1 >= np.repeat(geo.n_legs, self.n_cols)
        mean = np.asarray(geo.leg_days_mean, dtype=float).ravel()
        cv = np.maximum(np.asarray(geo.leg_days_cv, dtype=float).ravel(), 1e-6)
        self.gamma_shape = 1.0 / cv**2
        self.gamma_scale = mean / self.gamma_shape
        self.positive = mean > 0
        self.all_positive = bool(self.positive[leg < np.repeat(geo.n_legs, self.n_cols)].all())
        camp = geo.area_camp_share.cumsum()
        camp[-1] = 1.0
        self.camp_cum = camp
        self.alternative_route = np.repeat(geo.alternative_route, self.n_cols)  # by (route, leg)
        # The first legs of the routes people switch to: one gamma shape for all of them (as on the default
        # routes) lets their draws take numpy's scalar-shape path, several times faster for a few people.
        first = np.unique(geo.alternative_route[geo.alternative_route >= 0]) * self.n_cols
        shapes = self.gamma_shape[first]
        self.switch_shape = float(shapes[0]) if shapes.size and (shapes == shapes[0]).all() else None
        self._boost_key: bytes | None = None
        self._stop = self.interception

    def stop_prob(self, boost: np.ndarray | None) -> np.ndarray:
        """Chance of being stopped on each leg, with the policy's extra interception (recomputed when it changes)."""
        if boost is None:
            return self.interception
        key = boost.tobytes()
        if key != self._boost_key:
            self._stop = 1.0 - (1.0 - self.interception) * (1.0 - boost.ravel())
            self._boost_key = key
        return self._stop

    def leg_days(self, rng: np.random.Generator, cells: np.ndarray, shape: float | None = None) -> np.ndarray:
        """``draw_leg_days`` (sim/geography.py) of these legs, from the tables; ``shape``: the gamma shape of all
        of them, if they share one."""
        # rng.gamma(shape, scale) is scale * standard_gamma(shape), draw for draw (numpy's random_gamma): the same
        # numbers, without broadcasting two parameter arrays; and a shape shared by all draws gives the same numbers
        # as an array of it
        out = rng.standard_gamma(self.gamma_shape[cells] if shape is None else shape, cells.size)
        out *= self.gamma_scale[cells]
        return out if self.all_positive else np.where(self.positive[cells], out, 0.0)


class _OnTheMove:
    """The people on the move and the day each one's current leg ends, in index order, in one growing buffer.

    People who reach the coast leave a hole (a day no day reaches) until holes are half the buffer; then it is
    compacted. New entrants are appended (their indices are above everyone's already on the move)."""

    HOLE = np.iinfo(np.int32).max

    def __init__(self) -> None:
        self.people = np.zeros(1024, dtype=np.intp)
        self.days = np.zeros(1024, dtype=np.int32)
        self.size = 0
        self.holes = 0

    def add(self, people: np.ndarray, days: np.ndarray) -> None:
        end = self.size + people.size
        if end > self.people.size:
            cap = max(2 * self.people.size, end)
            self.people = np.concatenate((self.people[: self.size], np.zeros(cap - self.size, dtype=np.intp)))
            self.days = np.concatenate((self.days[: self.size], np.zeros(cap - self.size, dtype=np.int32)))
        self.people[self.size : end] = people
        self.days[self.size : end] = days
        self.size = end

    def due(self, day: int) -> tuple[np.ndarray, np.ndarray]:
        """(their slots, the people) whose leg ends today or before, in index order."""
        slots = (self.days[: self.size] <= day).nonzero()[0]  # np.flatnonzero, without its Python layer
        return slots, self.people[slots]

    def move_on(self, slots: np.ndarray, days: np.ndarray, arrived: np.ndarray) -> None:
        """Today's movers (``slots``) next move on ``days``; those in ``arrived`` (slots) have left for the coast."""
        self.days[slots] = days
        if arrived.size:
            self.days[arrived] = self.HOLE
            self.holes += arrived.size
            if 2 * self.holes > self.size:
                keep = self.days[: self.size] != self.HOLE
                n = int(np.count_nonzero(keep))
                self.people[:n] = self.people[: self.size].compress(keep)
                self.days[:n] = self.days[: self.size].compress(keep)
                self.size, self.holes = n, 0


def _whole_days_after(day: int, days: np.ndarray) -> np.ndarray:
    """``day + max(1, rint(days))``, in place in float64 (whole numbers, exact): stored in the int32 days, the same
    values as ``day + np.maximum(1, np.rint(days)).astype(np.int32)``."""
    np.rint(days, out=days)
    np.maximum(days, 1.0, out=days)
    days += day
    return days


def _choice(rng: np.random.Generator, p: np.ndarray, size: int) -> np.ndarray:
    """Vectorised categorical draw (faster than Generator.choice for many draws from few categories)."""
    cum = p.cumsum()
    cum[-1] = 1.0
    return cum.searchsorted(rng.random(size), side="right")  # np.intp


def _over_capacity(
    group: np.ndarray, capacity: np.ndarray, eligible: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """Mark, at random, the people beyond a leg's daily capacity (capacity 0 = unlimited)."""
    blocked = np.zeros(group.size, dtype=bool)
    idx = np.flatnonzero(eligible & (capacity[group] > 0))
    if idx.size == 0:
        return blocked
    idx = idx[rng.permutation(idx.size)]
    g = group[idx]
    order = np.argsort(g, kind="stable")
    idx, g = idx[order], g[order]
    first = np.searchsorted(g, g, side="left")
    rank = np.arange(g.size) - first
    blocked[idx[rank >= capacity[g]]] = True
    return blocked


def _draw_mix(
    geo: Geography, entry_day: np.ndarray, mix: list[tuple[int, dict[str, float]]], rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Route and nationality of each entrant from the joint route-nationality shares, with each nationality's share
    weighted by the weights of the entrant's entry day (segments of (first day, weights), in day order): a weight
    of 3 makes that nationality three times as likely among entrants, at the expense of the others."""
    joint = geo.route_share[:, None] * geo.route_nationality  # (routes, nationalities)
    names = geo.nationality_names
    route = np.zeros(entry_day.size, dtype=np.int8)
    nationality = np.zeros(entry_day.size, dtype=np.int8)
    u = rng.random(entry_day.size)
    bounds = [first for first, _ in mix[1:]]
    segment = np.searchsorted(np.array(bounds, dtype=np.int64), entry_day, side="right")
    for k, (_, weights) in enumerate(mix):
        w = joint * np.array([weights.get(n, 1.0) for n in names])[None, :]
        cum = np.cumsum(w.ravel())
        idx = np.flatnonzero(segment == k)
        cell = np.minimum(np.searchsorted(cum, u[idx] * cum[-1], side="right"), cum.size - 1)
        route[idx], nationality[idx] = np.divmod(cell, len(names))
    return route, nationality
