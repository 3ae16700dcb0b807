"""Who a referral can be allocated to, with how many open referrals each IDVA holds already, so
the coordinator can share the work fairly and see who is full."""

from dataclasses import dataclass

from sqlmodel import col, func, select

from workflow.actors import Actor
from workflow.models import Referral
from workflow.permissions import CASEWORKERS, require_role
from workflow.queue.listing import idva_labels
from workflow.referrals.states import OPEN_STATES
from workflow.store.db import UnitOfWork


@dataclass(frozen=True)
class IdvaChoice:
    """An active IDVA as the allocation page offers them."""

    id: int
    name: str
    open_referrals: int

    @property
    def label(self) -> str:
        """Say who and how loaded, e.g. "Ivy Idva (7 open referrals)"."""
        count = self.open_referrals
        return f"{self.name} ({count} open referral{'' if count == 1 else 's'})"


def open_caseloads(uow: UnitOfWork) -> dict[int, int]:
    """Return IDVA id -> how many open referrals are allocated to them."""
    query = (
        select(Referral.allocated_idva_id, func.count())
        .where(
            col(Referral.state).in_(sorted(OPEN_STATES)),
            col(Referral.allocated_idva_id).is_not(None),
        )
        .group_by(col(Referral.allocated_idva_id))
    )
    return {idva: count for idva, count in uow.session.exec(query) if idva is not None}


def idva_choices(uow: UnitOfWork, actor: Actor) -> list[IdvaChoice]:
    """Return every active IDVA with their open caseload, by name."""
    require_role(actor, CASEWORKERS)
    loads = open_caseloads(uow)
    labels = idva_labels(uow, active_only=True)
    return [IdvaChoice(i, name, loads.get(i, 0)) for i, name in labels.items()]
