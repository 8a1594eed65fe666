"""Every page a resident can reach, in every state, fetched over HTTP.

``walk(app, language)`` goes through the kiosk the way residents do, in one
language, and returns each page as it was served: the start page (and after
a check was cleared), the language page during a check, consent (and its error), the
declined page, every question page with nothing entered and with each kind
of wrong number, the scale (a reading, and a failure), the blood pressure
page in each state (every failure reason, an irregular pulse, second and
third readings, the START button of a Bluetooth cuff), typed readings with
their errors, review, and the results of several mixes of answers, with
the urgent page.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass

import httpx
from fastapi import FastAPI

from device_drivers.errors import DeviceError
from device_drivers.events import FailureReason
from device_drivers.serial.tanita_protocol import ScaleReading
from kiosk_app.questionnaire.limits import LIMITS
from kiosk_app.web.state import KioskState
from tests.web.flow import ORDINARY, UNHEALTHY, location

# What the simulated cuff measures, in turn: an irregular pulse that needs a
# second reading, then a failure.
CUFF_SCRIPT = ("145/92/70/irregular", "error:movement")

YOUNG_AND_PREGNANT = {
    **ORDINARY,
    "age": {"age": "15", "confirm_age": "yes"},
    "pregnant": {"pregnant": "yes"},
    "ethnic_group": {"ethnic_group": "not_stated"},
    "postcode": {"postcode": ""},
    "smoking": {"smoking_status": "ex"},
    "vaping": {"vaping": "current"},
    "mind_nervous": {"phq4_nervous": "1"},
    "mind_worrying": {"phq4_worrying": "2"},
    "mind_self_harm": {"self_harm_thoughts": "not_stated"},
}
# Every question page is shown, the cigarettes one too.
EVERY_PAGE = {
    **ORDINARY,
    "smoking": {"smoking_status": "current"},
    "cigarettes": {"cigarettes_per_day": "20"},
}
OLDER_ASIAN = {
    **ORDINARY,
    "age": {"age": "70"},
    "sex": {"sex": "male"},
    "ethnic_group": {"ethnic_group": "asian"},
    "ethnicity_asian": {"ethnicity": "asian_indian"},
    "height_weight": {"height_cm": "170", "weight_kg": "80"},
    "smoking": {"smoking_status": "ex"},
    "mind_self_harm": {"self_harm_thoughts": "yes"},
}


@dataclass(frozen=True, slots=True)
class Page:
    label: str
    html: str


class _FailingScale:
    name = "failing scale"

    async def weigh(self) -> ScaleReading:
        raise DeviceError("no reading")


class _Walker:
    def __init__(self, app: FastAPI, language: str) -> None:
        self.app = app
        self.language = language
        self.pages: list[Page] = []

    def client(self) -> httpx.AsyncClient:
        transport = httpx.ASGITransport(app=self.app)
        return httpx.AsyncClient(transport=transport, base_url="http://kiosk.test")

    def keep(self, label: str, response: httpx.Response, *, status: int = 200) -> None:
        assert response.status_code == status, (label, response.status_code, response.text[:300])
        assert "text/html" in response.headers["content-type"], label
        self.pages.append(Page(f"{label} ({response.url.path})", response.text))

    async def get(self, client: httpx.AsyncClient, label: str, url: str) -> None:
        self.keep(label, await client.get(url))

    async def start(self, client: httpx.AsyncClient) -> str:
        assert location(await client.post("/start", data={"language": self.language})) == (
            "/consent"
        )
        assert location(await client.post("/consent", data={"consent": "yes"})) == "/check"
        return location(await client.get("/check"))

    # ---- the pages ---------------------------------------------------------------

    async def front_pages(self) -> None:
        async with self.client() as client:
            for cleared in ("", "&cleared=timeout", "&cleared=finish"):
                await self.get(client, f"start{cleared}", f"/?lang={self.language}{cleared}")
            await client.post("/start", data={"language": self.language})
            await self.get(client, "consent", "/consent")
            self.keep("consent, nothing chosen", await client.post("/consent"), status=400)
            self.keep("declined", await client.post("/consent", data={"consent": "no"}))

    def _wrong_answers(self, step_id: str) -> list[tuple[str, dict[str, str]]]:
        """Each kind of wrong answer this step's typed fields can be given."""
        step = self.app.state.kiosk.form.step(step_id)
        numbers = {f.id: LIMITS[f.limits] for f in step.fields if f.limits}
        postcodes = [f.id for f in step.fields if f.type == "postcode"]
        kinds = {
            "not a number": dict.fromkeys(numbers, "abc"),
            "too low": {f: str(limits.hard.low - 1) for f, limits in numbers.items()},
            "too high": {f: str(limits.hard.high + 1) for f, limits in numbers.items()},
            "unusual": {
                f: str(limits.usual.high + 1)
                for f, limits in numbers.items()
                if limits.usual.high < limits.hard.high
            },
            "not a postcode": dict.fromkeys(postcodes, "XYZ 123"),
        }
        return [(kind, values) for kind, values in kinds.items() if values]

    async def question(
        self, client: httpx.AsyncClient, url: str, answers: Mapping[str, Mapping[str, str]]
    ) -> str:
        step_id = url.removeprefix("/check/")
        await self.get(client, f"question {step_id}", url)
        # Nothing entered last: an optional question takes it as the answer.
        for kind, values in [*self._wrong_answers(step_id), ("nothing entered", {})]:
            response = await client.post(url, data=values)
            if response.status_code == 303:
                return location(response)
            self.keep(f"question {step_id}, {kind}", response, status=400)
        if step_id == "ethnic_group":
            await self.every_background(client, url)
        if step_id == "height_weight":
            await self.scale(client, url)
        return location(await client.post(url, data=dict(answers[step_id])))

    async def every_background(self, client: httpx.AsyncClient, url: str) -> None:
        """The follow-up page of every ethnic group (the answer is given again after)."""
        (field,) = self.app.state.kiosk.form.step("ethnic_group").fields
        for option in field.options:
            then = location(await client.post(url, data={field.id: str(option.value)}))
            if then.startswith("/check/ethnicity_"):
                await self.get(client, f"question {then.removeprefix('/check/')}", then)

    async def scale(self, client: httpx.AsyncClient, url: str) -> None:
        self.keep("scale reading", await client.post(f"{url}/scale"))
        state: KioskState = self.app.state.kiosk
        self.app.state.kiosk = dataclasses.replace(state, scale=_FailingScale())
        try:
            self.keep("scale failed", await client.post(f"{url}/scale"))
        finally:
            self.app.state.kiosk = state

    async def blood_pressure(self, client: httpx.AsyncClient) -> str:
        page = "/blood-pressure"
        await self.get(client, "BP, before any reading", page)
        for reason in FailureReason:
            await self.get(client, f"BP, failed: {reason.value}", f"{page}?failed={reason.value}")
        state: KioskState = self.app.state.kiosk
        self.app.state.kiosk = dataclasses.replace(state, bp_starts_on_device=True)
        try:
            await self.get(client, "BP, START on the cuff", page)
        finally:
            self.app.state.kiosk = state
        # The cuff: an irregular pulse, high enough to need a second reading.
        assert location(await client.post(f"{page}/measure")) == page
        await self.get(client, "BP, second reading needed, irregular pulse", page)
        await self.get(client, "BP, typed reading", f"{page}/manual")
        manual = f"{page}/manual"
        for kind, values in [("nothing entered", {}), *self._wrong_answers("blood_pressure")]:
            self.keep(f"BP typed, {kind}", await client.post(manual, data=values), status=400)
        conflict = {"systolic": "90", "diastolic": "95"}
        self.keep(
            "BP typed, bottom above top", await client.post(manual, data=conflict), status=400
        )
        # Far from the first: a third reading is needed, then it is complete.
        for systolic, diastolic, then in (("118", "76", "third"), ("121", "78", "complete")):
            reading = {"systolic": systolic, "diastolic": diastolic, "pulse": "70"}
            assert location(await client.post(manual, data=reading)) == page
            await self.get(client, f"BP, {then}", page)
        return location(await client.post(f"{page}/done"))

    async def check(
        self,
        answers: Mapping[str, Mapping[str, str]],
        *,
        every_state: bool,
        bp: tuple[dict[str, str], ...] = (),
        name: str,
    ) -> None:
        async with self.client() as client:
            url = await self.start(client)
            if every_state:
                await self.get(client, "language page, during a check", f"/language?next={url}")
            for _ in range(60):
                if url == "/review":
                    break
                if url == "/blood-pressure":
                    if every_state:
                        url = await self.blood_pressure(client)
                        continue
                    for reading in bp:
                        await client.post("/blood-pressure/manual", data=reading)
                    url = location(await client.post("/blood-pressure/done"))
                elif every_state:
                    url = await self.question(client, url, answers)
                else:
                    step_id = url.removeprefix("/check/")
                    url = location(await client.post(url, data=dict(answers[step_id])))
            await self.get(client, f"review, {name}", "/review")
            results = location(await client.post("/submit"))
            if results == "/results/urgent":
                await self.get(client, f"urgent, {name}", results)
            await self.get(client, f"results, {name}", "/results")


async def walk(app: FastAPI, language: str) -> list[Page]:
    """Every page state listed in the module docstring, in ``language``."""
    walker = _Walker(app, language)
    await walker.front_pages()
    await walker.check(EVERY_PAGE, every_state=True, name="every state")
    high = ({"systolic": "165", "diastolic": "101"}, {"systolic": "167", "diastolic": "102"})
    await walker.check(UNHEALTHY, every_state=False, bp=high, name="red and amber")
    await walker.check(YOUNG_AND_PREGNANT, every_state=False, name="under 18, pregnant")
    severe = ({"systolic": "185", "diastolic": "125"},)
    await walker.check(OLDER_ASIAN, every_state=False, bp=severe, name="urgent, 70, Asian")
    return walker.pages
