"""Rate limits: a fixed window per key, and first attempts that arrive together."""

import threading
from datetime import timedelta

from workflow.models import utcnow
from workflow.models.throttle import Throttle
from workflow.store import throttle
from workflow.store.db import Database

HOUR = timedelta(hours=1)


def test_the_limit_holds_within_the_window_and_resets_after_it(database: Database) -> None:
    start = utcnow()
    with database.uow() as uow:
        results = [throttle.allow(uow.session, "ip:1", 3, HOUR, start) for _ in range(4)]
        assert results == [True, True, True, False]
        assert throttle.allow(uow.session, "ip:2", 3, HOUR, start)  # counted apart
        assert throttle.allow(uow.session, "ip:1", 3, HOUR, start + HOUR)  # a new window


def test_first_attempts_at_once_are_all_counted_without_an_error(
    committed_database: Database,
) -> None:
    go = threading.Barrier(8)
    errors: list[BaseException] = []

    def attempt() -> None:
        try:
            go.wait()
            with committed_database.uow() as uow:
                throttle.allow(uow.session, "ip:new", 100, HOUR)
                uow.commit()
        except BaseException as exc:  # reported by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=attempt) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with committed_database.uow() as uow:
        assert uow.session.get(Throttle, "ip:new").count == 8  # type: ignore[union-attr]


def test_ipv6_clients_are_limited_per_64_and_ipv4_per_address() -> None:
    from workflow.store.throttle import client_bucket

    assert client_bucket("2001:db8:1:2:aaaa::1") == client_bucket("2001:db8:1:2:ffff::9")
    assert client_bucket("2001:db8:1:2::1") == "2001:db8:1:2::/64"
    assert client_bucket("2001:db8:1:3::1") != client_bucket("2001:db8:1:2::1")
    assert client_bucket("::ffff:203.0.113.9") == "203.0.113.9"
    assert client_bucket("203.0.113.9") != client_bucket("203.0.113.10")
    assert client_bucket("unknown") == "unknown"
