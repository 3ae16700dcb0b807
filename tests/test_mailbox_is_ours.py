"""Guard: `import mailbox` must find this repository's package, not the standard library's."""

from pathlib import Path

import mailbox

REPO = Path(__file__).resolve().parents[1]


def test_mailbox_is_the_repository_package() -> None:
    assert mailbox.__file__ is not None
    assert Path(mailbox.__file__).resolve() == REPO / "mailbox" / "__init__.py"
