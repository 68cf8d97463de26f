"""One mailbox, one form of its address."""

import pytest

from signatures.normalise import InvalidAddress, normalise_email


@pytest.mark.parametrize("raw, expected", [
    ("Wang.Fang@Example.ORG", "wang.fang@example.org"),
    ("wang.fang+petition@example.org", "wang.fang@example.org"),
    ("W.a.n.g.f.a.n.g+x@gmail.com", "wangfang@gmail.com"),
    ("wangfang@googlemail.com", "wangfang@gmail.com"),
    ("  li@例子.中国  ", "li@xn--fsqu00a.xn--fiqs8s"),
    ("li@BÜCHER.example.", "li@xn--bcher-kva.example"),
    ("ｌｉ＠example.org".replace("＠", "@"), "li@example.org"),  # full-width letters (NFKC)
])
def test_addresses_of_one_mailbox_normalise_alike(raw, expected):
    assert normalise_email(raw) == expected


@pytest.mark.parametrize("raw", ["", "no-at-sign", "@example.org", "+tag@example.org", "a@", "a@..."])
def test_addresses_that_cannot_be_a_mailbox_are_refused(raw):
    with pytest.raises(InvalidAddress):
        normalise_email(raw)
