"""ChannelModel: wires the mechanisms together and steps them one day at a time.

Daily step order (one step = one night on the coast):

1. Policies: the timeline's changes of the day are applied (history runs, sim/timeline.py); levers switch on or off
   at their dates and update what they act on (seizure rates, perceived removal risk, capacities).
2. Entries: people whose entry day has come start their journeys (people who have left are compacted out of the
   arrays as they leave, at the coast's daily decisions).
3. Journeys: people at the end of a route leg move on, are pushed back, or reach the French coast.
4. Supply: makers adjust output and prices to their orders and ship boats and engines; consignments move along
   their corridors as scheduled events (seized or delivered); networks place orders and, weekly, adjust prices.
5. Coast: people waiting pay their living costs, leave for an outside option or are deterred, or buy a place.
6. Launches: each network decides whether tonight's expected loss is acceptable (waves, cold water, the rescue
   cover it knows of), how many boats it can put in the water, how full, from which area and whether as taxi
   boats; patrols prevent some; the rest cross, fail, or lose people to a crush aboard or a capsize (incidents
   answered by French assets or Border Force vessels on station), and are met at sea while vessels have capacity.
7. Enforcement: beach patrols redeploy towards recent launches; investigations update their intelligence
   picture, build evidence, strike (arrests, seizures: networks answer) and open on new targets; Border Force
   vessels are stationed for the next night.
8. UK side: arrivals join the asylum backlog; decisions, removals and hotel costs.
9. Record the day.

Days before ``world.burn_in_days`` are simulated in full but not counted, so that journeys, camps and stocks
start the scenario year in their running state.
"""

from __future__ import annotations

import datetime as dt
import math
import time
from collections.abc import Callable
from types import MappingProxyType

import mesa
import numpy as np

from sim.asylum import AsylumSystem
from sim.border_force import BorderForce
from sim.config import SimConfig, validate
from sim.crossing import CrossingTally, SeaRisk, resolve_launch
from sim.demand import SUB_DEMAND_WALK, daily_levels
from sim.enforcement import BeachPatrol
from sim.geography import build_geography
from sim.investigations import SUB_BORDER_FORCE, SUB_BROKERS, NationalCrimeAgency
from sim.migrants import Population, entry_days
from sim.outputs import DailyRecorder, Results
from sim.policies import build_levers
from sim.smugglers import SmugglingNetwork, link_brokers
from sim.supply_chain import BOAT, ENGINE, Maker, SupplyChain
from sim.timeline import Timeline
from sim.weather import calm_share, water_cold_weight, wave_height_series, winter_weight

# Named random streams: each mechanism draws from its own stream, so a change in one mechanism does not
# reshuffle the draws of the others (common random numbers across scenarios). Never renumber.
STREAMS = MappingProxyType(
    {
        "weather": 0,
        "population": 1,
        "journeys": 2,
        "coast": 3,
        "launches": 4,
        "sea": 5,
        "enforcement": 6,
        "supply": 7,
        "policy": 8,
    }
)


class ChannelModel(mesa.Model):
    """Small-boat crossings of the English Channel, from transit routes to the UK asylum system."""

    def __init__(self, cfg: SimConfig) -> None:
        validate(cfg)
        self.timeline = Timeline(cfg)  # observed policy as dated changes (sim/timeline.py); empty for most runs
        cfg = self.timeline.start(cfg)
        super().__init__(rng=cfg.seed)
        self.cfg = cfg
        self._due: dict[float, list[Callable[[], None]]] = {}  # schedule_after: callbacks by the time they are due
        self._entropy = np.random.SeedSequence(cfg.seed).entropy
        self.streams = {name: self.substream(name) for name in STREAMS}
        self.geo = build_geography(cfg.world)
        self.burn_in = cfg.world.burn_in_days
        self.total_days = self.burn_in + cfg.days
        self.start_date = dt.date.fromisoformat(cfg.world.start_date)
        first = self.start_date - dt.timedelta(days=self.burn_in)
        self.dates = [first + dt.timedelta(days=i) for i in range(self.total_days)]
        doy = np.array([d.timetuple().tm_yday for d in self.dates])
        self.wave = wave_height_series(cfg.weather, doy, self.streams["weather"])
        self.winter = winter_weight(cfg.weather, doy)  # 0 on the calmest day, 1 half a year later (camps)
        self.cold_water = water_cold_weight(cfg.weather, doy)  # 1 when the sea is coldest (sea, launches)
        pop_rng = self.streams["population"]
        # The demand walk's stream is keyed by seed and posterior draw: N draws x M seeds sample N*M demand paths,
        # and runs that share both (a policy and its baseline) share their path.
        draw_key = 0 if cfg.posterior_draw is None else cfg.posterior_draw + 1
        walk = self.substream("population", SUB_DEMAND_WALK, draw_key)
        self.demand_by_year, annual = daily_levels(cfg.migration, self.dates, walk)  # sim/demand.py
        self.population = Population(
            cfg.migration,
            self.geo,
            entry_days(cfg.migration, int(doy[0]), self.total_days, cfg.scale, pop_rng, annual),
            pop_rng,
            self.timeline.nationality_segments(cfg, self.total_days),
        )
        self.day = -1
        self.cold_water_today = 0.0

        sc = cfg.supply_chain
        self.supply_chain = SupplyChain(self, sc, self.streams["supply"])
        self.boat_maker = Maker(self, BOAT, sc.boats_per_week * cfg.scale, sc.consignment_size, sc.boat_quality)
        self.engine_maker = Maker(self, ENGINE, sc.engines_per_week * cfg.scale, sc.consignment_size, 1.0)

        s = cfg.smuggling
        launch_rng = self.streams["launches"]
        # Networks scale with the population so that each network sees the same market at any scale.
        n_net = 0 if s.networks == 0 else max(1, round(s.networks * cfg.scale))
        homes = np.searchsorted(np.cumsum(self.geo.area_camp_share)[:-1], launch_rng.random(n_net), side="right")
        limits = s.launch_wave_limit_m + s.launch_wave_limit_sd_m * launch_rng.standard_normal(n_net)
        self.networks = [SmugglingNetwork(self, s, k, int(homes[k]), float(limits[k])) for k in range(n_net)]
        self.initial_boats = sum(n.boats for n in self.networks)
        self.sea_risk = SeaRisk(cfg.crossing, self.geo.area_distance_km, s.max_load)
        self.area_odds: dict[tuple[int, bytes], list[float]] = {}  # SmugglingNetwork.launch_area_odds, per night
        self.season_outlook = self._season_outlook(doy)
        # What stock_wanted takes from it each day, the same for every network: (ratio ** season_anticipation,
        # launches_per_night * calm share ahead).
        lift = cfg.supply_chain.season_anticipation
        self.order_outlook = [(ratio**lift, s.launches_per_night * ahead) for ratio, ahead in self.season_outlook]
        self.brokers = link_brokers(self.networks, s, self.substream("enforcement", SUB_BROKERS))

        e = cfg.enforcement
        self.beach_patrol = BeachPatrol(self, e)
        self.border_force = BorderForce(self, e, self.substream("enforcement", SUB_BORDER_FORCE))
        self.nca = NationalCrimeAgency(self, e)
        self.asylum = AsylumSystem(cfg.asylum, cfg.scale)

        # Hooks that policy levers act through (see sim/policies/); neutral by default.
        n_nat = len(self.geo.nationality_names)
        self.transit_interception_boost = np.zeros_like(self.geo.leg_interception)
        self.recruitment_cut = np.zeros(n_nat)  # chance a person is not recruited at all, by nationality
        self.deterrence_leave_hazard = np.zeros(n_nat)  # reset daily, levers add to it
        self.purchase_factor = np.ones(n_nat)  # reset daily, levers multiply it
        self.perceived_removal_prob = 0.0
        self.boat_quality_shift = 0.0
        self.removed_directly_today = 0.0
        self.removals_by_lever: dict[str, int] = {}

        # News of deaths at sea, as heard in the camps (EWMA of deaths and of people crossing).
        self._news_deaths = 0.0
        self._news_crossers = 1.0
        self.recorder = DailyRecorder(self)
        self.wall_seconds = 0.0
        self.policies = build_levers(self)

    def _season_outlook(self, doy: np.ndarray) -> list[tuple[float, float]]:
        """Per day: (calm nights expected over the coming stock horizon / over the past month, calm share of the
        coming horizon), from the weather climatology and the networks' season-dependent launch rule. Networks
        order ahead of the calm season with it (SmugglingNetwork.stock_wanted)."""
        cfg = self.cfg
        s, c = cfg.smuggling, cfg.crossing
        year = np.arange(1, 366)
        season = np.log1p(s.season_loss_weight * c.cold_water_risk * water_cold_weight(cfg.weather, year))
        limit = s.launch_wave_limit_m - season / max(c.wave_risk_per_m, 1e-9)
        calm = np.concatenate([calm_share(cfg.weather, year, limit)] * 3)
        cum = np.concatenate(([0.0], np.cumsum(calm)))
        lead = sum(n.days for n in cfg.supply_chain.boat_nodes.values())
        horizon = max(int(s.stock_target_days), 1)
        d = (doy - 1) % 365 + 365  # position in the middle copy
        ahead = (cum[np.minimum(d + int(lead) + horizon, cum.size - 1)] - cum[d + int(lead)]) / horizon
        past = (cum[d] - cum[d - 30]) / 30.0
        return [(float(r), float(a)) for r, a in zip(ahead / np.maximum(past, 0.02), ahead, strict=True)]

    def substream(self, mechanism: str, *keys: int) -> np.random.Generator:
        """A generator of its own for one mechanism, or for one agent of it (``substream("launches", k)`` for
        network k): drawing from it never shifts another agent's or mechanism's draws (common random numbers)."""
        seed = np.random.SeedSequence(self._entropy, spawn_key=(STREAMS[mechanism], *keys))
        return np.random.Generator(np.random.PCG64(seed))  # what default_rng(seed) builds, without its checks

    def schedule_after(self, callback: Callable[[], None], after: float) -> None:
        """Run ``callback`` ``after`` days from now, as a Mesa event of default priority (consignments' hops,
        recruits joining, brokers returning). Callbacks due at the same time share one Mesa event and run in the
        order they were scheduled, which is Mesa's own order for events of equal time and priority: the order of
        one event each, without a weak reference, an Event and a heap entry per callback. The callback is held
        strongly; its owner is held elsewhere until it runs (a consignment in transit, a pending recruit, a broker)."""
        time = self.time + after
        due = self._due.get(time)
        if due is None:
            self._due[time] = [callback]
            self.schedule_event(self._run_due, at=time)
        else:
            due.append(callback)

    def _run_due(self) -> None:
        for callback in self._due.pop(self.time):
            callback()

    def day_index(self, iso_date: str) -> int:
        """Model day (0 = first burn-in day) of a calendar date."""
        return self.burn_in + (dt.date.fromisoformat(iso_date) - self.start_date).days

    # ---------------------------------------------------------------------------------------------- step
    @property
    def cold_water_today(self) -> float:
        """Today's cold-water weight (weather.water_cold_weight: 1 when the sea is coldest)."""
        return self._cold_water_today

    @cold_water_today.setter
    def cold_water_today(self, cold: float) -> None:
        """Set with the season term of the networks' launch rule (SmugglingNetwork.night_is_acceptable), the same
        for every network: ln(1 + season_loss_weight * cold_water_risk * cold)."""
        self._cold_water_today = cold
        weight = self.cfg.smuggling.season_loss_weight
        self.launch_season_loss = math.log1p(weight * self.cfg.crossing.cold_water_risk * cold)

    @property
    def counting(self) -> bool:
        return self.day >= self.burn_in

    @property
    def crossers_per_day(self) -> float:
        """People crossing per day as recent news has it (EWMA over ``migration.news_memory_days``)."""
        return self._news_crossers

    @property
    def perceived_death_risk(self) -> float:
        """Deaths per 1,000 people crossing, as recent news has it."""
        return 1000.0 * self._news_deaths / max(self._news_crossers, 1.0)

    def step(self) -> None:
        self.day = self.steps - 1
        day, pop = self.day, self.population
        self.cold_water_today = float(self.cold_water[day])
        rec = self.recorder

        self.removed_directly_today = 0.0
        self.deterrence_leave_hazard[:] = 0.0
        self.purchase_factor[:] = 1.0
        self.timeline.apply(self)  # today's dated changes of observed policy, before the levers act
        for policy in self.policies:
            policy.daily(self)  # switches levers on and off at their dates (sim/policies/base.py)

        entered, not_recruited = pop.enter(day, self.streams["journeys"], self.recruitment_cut)
        reached, pushed_back = pop.advance_journeys(day, self.streams["journeys"], self.transit_interception_boost)
        coast_by_route = np.bincount(pop.route[reached], minlength=self.geo.n_routes)

        self.boat_maker.step()
        self.engine_maker.step()
        # A network's step changes no other network's price or reach: each is read right after its own step.
        prices_l, weights_l = [], []
        for network in self.networks:
            network.step()
            prices_l.append(network.price)
            weights_l.append(network.sales_weight)
        prices, weights = np.array(prices_l), np.array(weights_l)
        coast = pop.coast_decisions(
            day,
            self.streams["coast"],
            prices,
            weights,
            self.perceived_death_risk,
            self.deterrence_leave_hazard,
            self.purchase_factor,
            winter=float(self.winter[self.day]),
        )
        if coast["places_sold"]:
            revenue = coast["revenue_by_network"].tolist()
            networks = self.networks
            for k, sold in enumerate(coast["sold_by_network"].tolist()):  # Python ints and floats already
                if sold:
                    networks[k].sell(sold, revenue[k])

        tally = self._launches()
        arrivals = np.concatenate(tally.arrived_people) if tally.arrived_people else np.zeros(0, dtype=np.intp)
        for policy in self.policies:
            policy.arrivals(self, arrivals)

        self.beach_patrol.observe_counts(tally.launches_by_area)
        self.beach_patrol.step()
        self.border_force.observe(tally.launches_by_area)
        self.nca.step()
        self.border_force.step()
        if self.counting:  # the UK side starts from its observed state on the first scenario day
            self.asylum.step(tally.people_arrived, self.removed_directly_today)

        deaths_weight = 1.0 / self.cfg.migration.news_memory_days
        self._news_deaths += deaths_weight * (tally.deaths - self._news_deaths)
        self._news_crossers += deaths_weight * (tally.people_arrived + tally.deaths - self._news_crossers)

        rec.record(day, entered, not_recruited, pushed_back, coast_by_route, coast, tally)

    def _launches(self) -> CrossingTally:
        cfg, pop = self.cfg, self.population
        tally = CrossingTally(launches_by_area=np.zeros(self.geo.n_areas, dtype=np.int64))
        queues = pop.queues(len(self.networks))
        wave = float(self.wave[self.day])
        p_beach, p_taxi = self.beach_patrol.prevention_probs()
        place_day = self.population.place_day
        self.area_odds.clear()
        plans, boats, day = [], 0, self.day
        for network, queue in zip(self.networks, queues, strict=True):
            size = queue.size
            network.oldest_wait = day - int(place_day[queue[0]]) if size else 0
            plan = network.plan_launches(size, wave, p_beach, network.launch_rng)
            if plan is not None:
                plans.append((network, queue, plan))
                boats += plan.loads.size  # at least one: a plan sends a boat or is None
        self.border_force.start_night(boats)
        if boats:
            self.sea_risk.night(wave, self.cold_water_today)
        for network, queue, plan in plans:
            before = (tally.people_arrived, tally.pilots_arrested)
            prevented, returned = resolve_launch(
                plan.loads,
                plan.areas,
                plan.taxi,
                plan.quality,
                queue,
                cfg=cfg.crossing,
                pop=pop,
                prevention_beach=p_beach,
                prevention_taxi=p_taxi,
                destroy_prob=cfg.enforcement.boat_destroyed_when_prevented,
                wave_m=wave,
                distance_km=self.geo.area_distance_km,
                border_force=self.border_force,
                pilot_arrest_prob=cfg.enforcement.pilot_arrest_prob,
                rng=network.sea_rng,
                tally=tally,
                winter=self.cold_water_today,
                sea_risk=self.sea_risk,
            )
            network.learn_from_launches(plan.taxi, prevented, returned, plan.quality)
            self.nca.intel.saw_launches(
                network.index, plan.loads.size, tally.people_arrived - before[0], tally.pilots_arrested - before[1]
            )
        return tally

    # ---------------------------------------------------------------------------------------- reporting
    def daily_costs(self) -> dict[str, float]:
        """Enforcement and policy spending today, GBP, by item."""
        costs = {
            "beach_patrols": self.beach_patrol.daily_cost_gbp,
            "search_and_rescue": self.border_force.daily_cost_gbp,
            "gang_disruption": self.nca.daily_cost_gbp,
            "asylum_processing": self.asylum.decision_cost_today if self.counting else 0.0,
        }
        for policy in self.policies:
            for name, value in policy.costs(self).items():
                costs[name] = costs.get(name, 0.0) + value
        return costs

    def boat_balance(self) -> dict[str, int]:
        """Boats by where they are: made = seized + in supply chain + delivered, and
        initial stock + delivered = in stock + launched + destroyed on beaches + seized from networks' stock in
        investigations' actions (over the whole run)."""
        chain = self.supply_chain
        return {
            "initial_stock": self.initial_boats,
            "made": chain.shipped[BOAT],
            "seized": chain.seized[BOAT],
            "in_supply_chain": chain.pipeline(BOAT),
            "delivered": chain.delivered[BOAT],
            "in_stock": sum(n.boats for n in self.networks),
            "seized_in_actions": self.nca.boats_seized_total,
        }

    def run(self) -> Results:
        """Step through the burn-in and the scenario days and return the results."""
        t0 = time.perf_counter()
        self.run_for(self.total_days)
        self.wall_seconds = time.perf_counter() - t0
        return self.recorder.results()


def run(cfg: SimConfig) -> Results:
    """Build the model from a validated config, step it day by day and return its tables."""
    return ChannelModel(cfg).run()
