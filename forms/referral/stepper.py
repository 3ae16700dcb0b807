"""The stepper: a referral form as ordered pages, each validated on its own and again at the
end, rebuilt from the answers a draft keeps."""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from werkzeug.datastructures import MultiDict

from forms.referral import shared_checks
from forms.referral.page import PageForm
from workflow.policy import Policy
from workflow.web_referrals.screening import Stop

# A draft's key for answers carried over from another form: shown on the page, not yet saved.
PREFILL = "carried:"


@dataclass(frozen=True)
class Page:
    """One step of a referral form."""

    slug: str
    title: str
    form: type[PageForm]
    # A follow-on page asked only when earlier answers call for it (None: always asked).
    when: Callable[[dict[str, Any]], bool] | None = None

    def asked(self, stored: dict[str, Any]) -> bool:
        """Return whether this page is part of the referral, given the answers saved so far."""
        return self.when is None or self.when(stored)


@dataclass
class Flow:
    """A referral form as ordered pages, each validated on its own and again at the end."""

    kind: str
    title: str
    pages: list[Page] = field(default_factory=list)
    # Stops of this form's own, checked after the shared ones when a page is saved.
    own_stop: Callable[[str, PageForm, Policy], Stop | None] | None = None
    # Notes of this form's own for check-your-answers, after the shared ones.
    own_notes: Callable[[dict[str, PageForm], Policy], list[str]] | None = None

    def notes(self, forms: dict[str, PageForm], policy: Policy) -> list[str]:
        """Say what the coordinator will check before acting, for check-your-answers."""
        return shared_checks.notes(forms, policy) + (
            self.own_notes(forms, policy) if self.own_notes else []
        )

    def asked(self, stored: dict[str, Any]) -> list[Page]:
        """Return the pages this referral asks, given the answers saved so far."""
        return [p for p in self.pages if p.asked(stored)]

    def stop_after(self, slug: str, form: PageForm, policy: Policy) -> Stop | None:
        """Return why the referral cannot go on after this page, if it cannot."""
        stop = shared_checks.shared_stop(slug, form, policy)
        return stop or (self.own_stop(slug, form, policy) if self.own_stop else None)

    def first_stop(self, forms: dict[str, "PageForm"], policy: Policy) -> Stop | None:
        """Return the first stop any saved page triggers (a page may have changed since)."""
        for slug, form in forms.items():
            stop = self.stop_after(slug, form, policy)
            if stop:
                return stop
        return None

    def page(self, slug: str) -> Page | None:
        """Return the page with this slug, if the form has one."""
        return next((p for p in self.pages if p.slug == slug), None)

    def step(self, slug: str, stored: dict[str, Any]) -> int:
        """Return the 1-based position of a page among the pages asked."""
        return [p.slug for p in self.asked(stored)].index(slug) + 1

    def progress(self, slug: str) -> str:
        """Return "step N of M", counting only the pages every referral asks.

        A follow-on page (the stalking questions after a Yes to DASH Q8) takes the number of the
        page that called for it, so the count never jumps from "of 14" to "of 16" mid-way.
        """
        steps = [p for p in self.pages if p.when is None]
        at = self.pages.index(self.page(slug) or self.pages[0])
        number = len([p for p in self.pages[: at + 1] if p.when is None])
        follow_on = self.pages[at].when is not None
        return f"step {number} of {len(steps)}" + (", follow-on questions" if follow_on else "")

    def next_slug(self, slug: str, stored: dict[str, Any]) -> str | None:
        """Return the page asked after this one, or None after the last (or one not asked)."""
        slugs = [p.slug for p in self.asked(stored)]
        n = slugs.index(slug) + 1 if slug in slugs else len(slugs)
        return slugs[n] if n < len(slugs) else None

    def previous_slug(self, slug: str, stored: dict[str, Any]) -> str | None:
        """Return the page asked before this one, or None on the first."""
        n = self.step(slug, stored)
        return self.asked(stored)[n - 2].slug if n > 1 else None

    def load(self, page: Page, stored: dict[str, Any]) -> PageForm:
        """Rebuild a page's form from the answers saved in a draft (no CSRF: they are ours).

        A page not yet saved shows what another form carried over for it, if anything.
        """
        data = stored.get(page.slug) or stored.get(PREFILL + page.slug)
        formdata = MultiDict([(k, v) for k, vs in data.items() for v in vs]) if data else None
        return page.form(formdata=formdata, meta={"csrf": False})

    def validated(self, stored: dict[str, Any]) -> tuple[dict[str, PageForm], list[Page]]:
        """Rebuild and validate every page asked; return the forms and the pages not complete.

        A follow-on page no longer asked (its trigger answer changed) is left out, and so are
        any answers saved on it.
        """
        forms, missing = {}, []
        for page in self.asked(stored):
            form = self.load(page, stored)
            if page.slug not in stored or not form.validate():
                missing.append(page)
            forms[page.slug] = form
        return forms, missing


def posted_fields(form: PageForm) -> dict[str, list[str]]:
    """Return the page's posted fields as the draft keeps them (without the CSRF token)."""
    return {f.name: [str(v) for v in (f.raw_data or [])] for f in form if f.name != "csrf_token"}
