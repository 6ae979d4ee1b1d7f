"""TkdnRegistry: certificates recorded by the TKDN certifier only, expiry and revocation honoured,
TKDN + BMP with the deployment's BMP cap, and a history of versions so that a certificate can be
judged as of a past moment T (a tender's commit deadline): nothing done after T changes the answer
for T."""

import brownie
from brownie import chain, web3

from tests.contracts.tender_fixtures import DAY, error, product_id

INVALID = (False, 0, 0)


def certify(tkdn, certifier, label, tkdn_bps=4200, bmp_bps=800, days=30):
    """Certifies product `label` for `days` from now; returns the transaction."""
    until = chain.time() + days * DAY
    return tkdn.certifyProduct(
        product_id(label), tkdn_bps, bmp_bps, until, web3.keccak(text=f"cert:{label}"), {"from": certifier}
    )


def moment(days=1) -> int:
    """Lets `days` pass, then returns the time of a new block: a moment T between transactions."""
    chain.sleep(days * DAY)
    chain.mine()
    return web3.eth.get_block("latest").timestamp


def at(tkdn, label, when) -> tuple:
    return tuple(tkdn.certificateAt(product_id(label), when))


def test_certifier_records_a_certificate(tkdn, certifier):
    until = chain.time() + 30 * DAY
    tx = tkdn.certifyProduct(product_id("X"), 4200, 800, until, web3.keccak(text="c"), {"from": certifier})
    assert (tx.events["ProductCertified"]["tkdnBps"], tx.events["ProductCertified"]["version"]) == (4200, 1)
    cert = tkdn.certificateOf(product_id("X"))
    assert (
        cert["tkdnBps"],
        cert["bmpBps"],
        cert["validUntil"],
        cert["issuedAt"],
        cert["revokedAt"],
        cert["version"],
        cert["certifier"],
    ) == (4200, 800, until, tx.timestamp, 0, 1, certifier)
    assert tuple(tkdn.requireValidCertificate(product_id("X"))) == (4200, 5000)
    assert at(tkdn, "X", tx.timestamp) == (True, 4200, 5000)


def test_only_the_certifier_role_records(tkdn, officer):
    with brownie.reverts(error("AccessManagedUnauthorized", officer)):
        tkdn.certifyProduct(product_id("X"), 4200, 800, chain.time() + DAY, b"\x01" * 32, {"from": officer})


def test_bmp_counts_up_to_the_cap(tkdn, products):
    assert tkdn.bmpCapBps() == 1500
    assert tuple(tkdn.requireValidCertificate(products["P10"])) == (1000, 2500)  # BMP 25% counted as 15%
    assert at(tkdn, "P10", chain.time()) == (True, 1000, 2500)


def test_invalid_certificates_are_refused(tkdn, certifier):
    now = chain.time()
    with brownie.reverts(error("TkdnInvalidProduct")):
        tkdn.certifyProduct(b"\x00" * 32, 1, 1, now + DAY, b"\x01" * 32, {"from": certifier})
    with brownie.reverts(error("TkdnInvalidShare", 10001, 0)):
        tkdn.certifyProduct(product_id("X"), 10001, 0, now + DAY, b"\x01" * 32, {"from": certifier})
    with brownie.reverts(error("TkdnInvalidValidity", now - 10)):
        tkdn.certifyProduct(product_id("X"), 1, 1, now - 10, b"\x01" * 32, {"from": certifier})


def test_unknown_product_is_not_certified(tkdn):
    with brownie.reverts(error("TkdnProductNotCertified", product_id("nope"))):
        tkdn.requireValidCertificate(product_id("nope"))
    # At time 0 too, where an all-zero record would look issued, unexpired and unrevoked.
    assert at(tkdn, "nope", 0) == INVALID
    assert at(tkdn, "nope", chain.time()) == INVALID
    assert tkdn.certificateOf(product_id("nope"))["version"] == 0


def test_expired_certificate_is_refused(tkdn, certifier):
    until = chain.time() + DAY
    tkdn.certifyProduct(product_id("short"), 5000, 0, until, b"\x01" * 32, {"from": certifier})
    chain.sleep(2 * DAY)
    chain.mine()
    with brownie.reverts(error("TkdnCertificateExpired", product_id("short"), until)):
        tkdn.requireValidCertificate(product_id("short"))


def test_revoked_certificate_is_refused_and_recertification_restores_it(tkdn, certifier, products):
    tx = tkdn.revokeCertificate(products["P50"], web3.keccak(text="audit"), {"from": certifier})
    assert tx.events["CertificateRevoked"]["version"] == 1
    with brownie.reverts(error("TkdnCertificateRevoked", products["P50"])):
        tkdn.requireValidCertificate(products["P50"])
    with brownie.reverts(error("TkdnCertificateRevoked", products["P50"])):
        tkdn.revokeCertificate(products["P50"], b"\x00" * 32, {"from": certifier})
    tkdn.certifyProduct(products["P50"], 4000, 0, chain.time() + DAY, b"\x02" * 32, {"from": certifier})
    assert tuple(tkdn.requireValidCertificate(products["P50"])) == (4000, 4000)


def test_revoking_an_unknown_product_is_refused(tkdn, certifier):
    with brownie.reverts(error("TkdnProductNotCertified", product_id("nope"))):
        tkdn.revokeCertificate(product_id("nope"), b"\x00" * 32, {"from": certifier})


def test_guardian_pauses_certification(tkdn, guardian, certifier):
    tkdn.pause({"from": guardian})
    with brownie.reverts(error("EnforcedPause")):
        tkdn.certifyProduct(product_id("X"), 1, 1, chain.time() + DAY, b"\x01" * 32, {"from": certifier})


# --- the history: versions, and the certificate in force at a past moment T ----------------------


def test_recertification_appends_a_version_and_keeps_the_earlier_one(tkdn, certifier):
    first = certify(tkdn, certifier, "X", 4200, 800)
    chain.sleep(DAY)
    second = certify(tkdn, certifier, "X", 7000, 0, days=60)
    assert second.events["ProductCertified"]["version"] == 2
    old, new = (tkdn.certificateVersion(product_id("X"), v) for v in (1, 2))
    assert (old["version"], old["tkdnBps"], old["issuedAt"], old["revokedAt"]) == (
        1,
        4200,
        first.timestamp,
        0,
    )
    assert (new["version"], new["tkdnBps"], new["issuedAt"], new["revokedAt"]) == (
        2,
        7000,
        second.timestamp,
        0,
    )
    assert tkdn.certificateOf(product_id("X")) == new
    assert tkdn.certificateVersion(product_id("X"), 3)["version"] == 0


def test_a_certificate_revoked_after_t_is_still_valid_at_t_and_invalid_after(tkdn, certifier):
    certify(tkdn, certifier, "X")
    t = moment()
    chain.sleep(DAY)
    revocation = tkdn.revokeCertificate(product_id("X"), web3.keccak(text="audit"), {"from": certifier})
    revoked_at = revocation.timestamp
    assert (
        tkdn.certificateOf(product_id("X"))["revokedAt"],
        revocation.events["CertificateRevoked"]["version"],
    ) == (
        revoked_at,
        1,
    )
    assert at(tkdn, "X", t) == (True, 4200, 5000)
    assert at(tkdn, "X", revoked_at - 1) == (True, 4200, 5000)
    assert at(tkdn, "X", revoked_at) == INVALID  # revoked from its own second on
    assert at(tkdn, "X", moment()) == INVALID


def test_recertification_after_t_does_not_change_the_answer_at_t(tkdn, certifier):
    certify(tkdn, certifier, "X", 4200, 800)
    t = moment()
    chain.sleep(DAY)
    recertified = certify(tkdn, certifier, "X", 7000, 0, days=60)
    assert at(tkdn, "X", t) == (True, 4200, 5000)  # version 1 stays in force at T
    assert at(tkdn, "X", recertified.timestamp - 1) == (True, 4200, 5000)
    assert at(tkdn, "X", recertified.timestamp) == (True, 7000, 7000)
    assert tuple(tkdn.requireValidCertificate(product_id("X"))) == (7000, 7000)


def test_revoking_after_recertification_ends_only_the_latest_version(tkdn, certifier):
    certify(tkdn, certifier, "X", 4200, 800)
    t = moment()
    chain.sleep(DAY)
    recertified = certify(tkdn, certifier, "X", 7000, 0, days=60)
    chain.sleep(DAY)
    revocation = tkdn.revokeCertificate(product_id("X"), b"\x03" * 32, {"from": certifier})
    assert revocation.events["CertificateRevoked"]["version"] == 2
    assert tkdn.certificateVersion(product_id("X"), 1)["revokedAt"] == 0
    assert at(tkdn, "X", t) == (True, 4200, 5000)
    assert at(tkdn, "X", recertified.timestamp) == (True, 7000, 7000)
    assert at(tkdn, "X", revocation.timestamp) == INVALID


def test_a_revoked_certificate_stays_invalid_at_t_after_recertification(tkdn, certifier):
    certify(tkdn, certifier, "X", 4200, 800)
    chain.sleep(DAY)
    tkdn.revokeCertificate(product_id("X"), b"\x03" * 32, {"from": certifier})
    t = moment()
    chain.sleep(DAY)
    recertified = certify(tkdn, certifier, "X", 7000, 0, days=60)
    assert at(tkdn, "X", t) == INVALID  # re-certifying does not reach back over the revoked time
    assert at(tkdn, "X", recertified.timestamp) == (True, 7000, 7000)


def test_expiry_between_t_and_now_does_not_change_the_answer_at_t(tkdn, certifier):
    until = certify(tkdn, certifier, "X", days=2).events["ProductCertified"]["validUntil"]
    t = moment()
    chain.sleep(3 * DAY)
    chain.mine()
    with brownie.reverts(error("TkdnCertificateExpired", product_id("X"), until)):
        tkdn.requireValidCertificate(product_id("X"))
    assert at(tkdn, "X", t) == (True, 4200, 5000)
    assert at(tkdn, "X", until) == (True, 4200, 5000)  # valid through its last second
    assert at(tkdn, "X", until + 1) == INVALID


def test_a_product_certified_after_t_is_not_valid_at_t(tkdn, certifier):
    t = moment()
    chain.sleep(DAY)
    issued = certify(tkdn, certifier, "X").timestamp
    assert at(tkdn, "X", t) == INVALID
    assert at(tkdn, "X", issued - 1) == INVALID
    assert at(tkdn, "X", issued) == (True, 4200, 5000)


def test_revocation_cannot_be_backdated(tkdn, certifier):
    """The revocation takes its block's time; it has no time argument a certifier could set earlier."""
    inputs = [i["name"] for i in tkdn.revokeCertificate.abi["inputs"]]
    assert inputs == ["productId", "reasonHash"]
    certify(tkdn, certifier, "X")
    t = moment()
    chain.sleep(60)
    revocation = tkdn.revokeCertificate(product_id("X"), b"\x03" * 32, {"from": certifier})
    assert tkdn.certificateOf(product_id("X"))["revokedAt"] == revocation.timestamp
    assert at(tkdn, "X", t) == (True, 4200, 5000)


def test_the_version_in_force_is_found_among_many(tkdn, certifier):
    """Versions 1..9, a day apart, each with its own TKDN; every moment finds its own version,
    whichever search step reaches it."""
    issued = []
    for version in range(1, 10):
        chain.sleep(DAY)
        issued.append(certify(tkdn, certifier, "X", 1000 * version, 0, days=400).timestamp)
    assert at(tkdn, "X", issued[0] - 1) == INVALID
    for version, when in enumerate(issued, start=1):
        assert at(tkdn, "X", when) == (True, 1000 * version, 1000 * version)
        assert at(tkdn, "X", when + DAY // 2) == (True, 1000 * version, 1000 * version)
        if version > 1:
            previous = 1000 * (version - 1)
            assert at(tkdn, "X", when - 1) == (True, previous, previous)


def test_an_old_moment_stays_cheap_to_look_up_after_many_recertifications(tkdn, certifier):
    """Gas of the lookup as a transaction (eth_estimateGas: 21,000 base and calldata included):
    the latest version, and version 1 of 32 (found by binary search, not a walk over 31 versions)."""
    first = certify(tkdn, certifier, "X").timestamp
    latest = tkdn.certificateAt.estimate_gas(product_id("X"), first)
    for _ in range(31):
        chain.sleep(60)
        certify(tkdn, certifier, "X")
    oldest = tkdn.certificateAt.estimate_gas(product_id("X"), first)
    assert at(tkdn, "X", first) == (True, 4200, 5000)
    print(f"certificateAt gas (as a transaction): latest version {latest}, version 1 of 32 {oldest}")
    assert latest < 30_000
    # About log2(31) = 5 more cold slots; a walk back over 31 versions would cost over 65,000 more.
    assert oldest - latest < 8 * 2_200
