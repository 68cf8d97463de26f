"""The supervision ledger's checkpoints as open data: listed on a public
page with the key that signed them, downloadable as JSON and CSV, and
enough for anyone who saved them to check the records later."""

import base64
import csv
import io
import json

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from supervision.ledger import (
    checkpoint_text,
    current_head,
    ledger_checkpoint_record,
    load_public_key,
    public_key_text,
    signature_valid,
)
from supervision.models import ClockEvent
from tests.supervision.tampering import make_history, rewrite_and_rechain, use_new_signing_key

pytestmark = pytest.mark.django_db


@pytest.fixture
def checkpointed(official, department, settings, tmp_path):
    """Three cases' history, today's checkpoint signed with a key kept in a
    file, and the key's public half in public.pem beside it."""
    key = use_new_signing_key(settings, tmp_path)
    make_history(official, department)
    return key, ledger_checkpoint_record()


def test_the_page_lists_the_checkpoints_the_head_and_the_public_key(client, checkpointed,
                                                                   django_assert_max_num_queries):
    key, checkpoint = checkpointed
    with django_assert_max_num_queries(4):
        page = client.get(reverse("publication:ledger"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "<h1>督办记录账本</h1>" in page
    assert checkpoint.day.isoformat() in page and checkpoint.hash in page
    assert '<code id="ledger-head">{}:{}</code>'.format(*current_head()) in page
    pem = key.public_key().public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo).decode()
    assert pem.strip() in page
    assert reverse("publication:ledger_export", args=["json"]) in page


def test_the_published_checkpoints_verify_with_the_public_key(client, checkpointed):
    key, checkpoint = checkpointed
    records = json.loads(client.get(reverse("publication:ledger_export", args=["json"])).content)
    assert [(record["day"], record["sequence"], record["hash"]) for record in records] == [
        (checkpoint.day.isoformat(), checkpoint.sequence, checkpoint.hash)]
    (record,) = records
    assert record["signed_text"] == checkpoint_text(checkpoint.day, checkpoint.sequence, checkpoint.hash)
    raw = Encoding.Raw, PublicFormat.Raw
    assert load_public_key(record["public_key"]).public_bytes(*raw) == key.public_key().public_bytes(*raw)
    assert signature_valid(key.public_key(), record["signature"], record["signed_text"])
    rows = list(csv.DictReader(io.StringIO(
        client.get(reverse("publication:ledger_export", args=["csv"])).content.decode("utf-8-sig"))))
    assert [(row["day"], row["sequence"], row["hash"], row["signature"]) for row in rows] == [
        (record["day"], str(record["sequence"]), record["hash"], record["signature"])]
    assert client.get(reverse("publication:ledger_export", args=["xml"])).status_code == 404


def test_a_citizen_holding_the_published_checkpoints_catches_a_later_rewrite(client, checkpointed, official,
                                                                             department, settings, tmp_path):
    """Someone saved today's open data and the public key. The records grow
    and still verify against them; then the database's owner rewrites an
    event, recomputes every hash, and re-signs the stored checkpoint with a
    key of their own: the saved copy and the trusted key both show it."""
    _key, checkpoint = checkpointed
    saved = tmp_path / "checkpoints.json"
    saved.write_bytes(client.get(reverse("publication:ledger_export", args=["json"])).content)
    public = str(tmp_path / "public.pem")
    settings.SUPERVISION_SIGNING_KEY_FILE = ""  # the auditor's machine holds only the public key
    make_history(official, department, cases=1)
    assert current_head()[0] > checkpoint.sequence
    assert _verify("--head", str(saved), "--public-key", public)[0] == 0

    rewrite_and_rechain(2, reason="not our department")
    rehashed = ClockEvent.objects.get(ledger_sequence=checkpoint.sequence).ledger_hash
    theirs = Ed25519PrivateKey.generate()
    forged = base64.b64encode(theirs.sign(checkpoint_text(checkpoint.day, checkpoint.sequence, rehashed).encode()))
    with connection.cursor() as cursor:
        cursor.execute("UPDATE supervision_ledgercheckpoint SET hash = %s, signature = %s, public_key = %s",
                       [rehashed, forged.decode(), public_key_text(theirs.public_key())])
    status, printed = _verify("--head", str(saved), "--public-key", public)
    assert status == 1
    assert f"the ledger was rewritten: its entry {checkpoint.sequence}" in printed
    assert f"the checkpoint of {checkpoint.day} in {saved}" in printed
    assert (f"the checkpoint of {checkpoint.day} ({checkpoint.sequence}:{rehashed}) does not verify with the given "
            "public key") in printed


def _verify(*options) -> tuple[int, str]:
    out = io.StringIO()
    try:
        call_command("verify_supervision", *options, stdout=out, stderr=out)
    except SystemExit as exit_:
        return exit_.code, out.getvalue()
    return 0, out.getvalue()


def test_the_departments_open_data_links_to_the_ledger(client, department):
    page = client.get(reverse("publication:department_list")).content.decode()
    assert reverse("publication:ledger") in page


def test_the_page_says_when_nothing_is_checkpointed_yet(client, db):
    page = client.get(reverse("publication:ledger")).content.decode()
    assert '<code id="ledger-head">0:{}</code>'.format("0" * 64) in page
