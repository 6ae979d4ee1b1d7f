"""TkdnRegistry: certificates recorded by the TKDN certifier only, expiry and revocation honoured,
TKDN + BMP with the deployment's BMP cap."""

import brownie
from brownie import chain, web3

from tests.contracts.tender_fixtures import DAY, error, product_id


def test_certifier_records_a_certificate(tkdn, certifier):
    until = chain.time() + 30 * DAY
    tx = tkdn.certifyProduct(product_id("X"), 4200, 800, until, web3.keccak(text="c"), {"from": certifier})
    assert tx.events["ProductCertified"]["tkdnBps"] == 4200
    cert = tkdn.certificateOf(product_id("X"))
    assert (cert["tkdnBps"], cert["bmpBps"], cert["validUntil"], cert["certifier"]) == (
        4200,
        800,
        until,
        certifier,
    )
    assert tuple(tkdn.requireValidCertificate(product_id("X"))) == (4200, 5000)


def test_only_the_certifier_role_records(tkdn, officer):
    with brownie.reverts(error("AccessManagedUnauthorized", officer)):
        tkdn.certifyProduct(product_id("X"), 4200, 800, chain.time() + DAY, b"\x01" * 32, {"from": officer})


def test_bmp_counts_up_to_the_cap(tkdn, products):
    assert tkdn.bmpCapBps() == 1500
    assert tuple(tkdn.requireValidCertificate(products["P10"])) == (1000, 2500)  # BMP 25% counted as 15%


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


def test_expired_certificate_is_refused(tkdn, certifier):
    until = chain.time() + DAY
    tkdn.certifyProduct(product_id("short"), 5000, 0, until, b"\x01" * 32, {"from": certifier})
    chain.sleep(2 * DAY)
    chain.mine()
    with brownie.reverts(error("TkdnCertificateExpired", product_id("short"), until)):
        tkdn.requireValidCertificate(product_id("short"))


def test_revoked_certificate_is_refused_and_recertification_restores_it(tkdn, certifier, products):
    tx = tkdn.revokeCertificate(products["P50"], web3.keccak(text="audit"), {"from": certifier})
    assert "CertificateRevoked" in tx.events
    with brownie.reverts(error("TkdnCertificateRevoked", products["P50"])):
        tkdn.requireValidCertificate(products["P50"])
    with brownie.reverts(error("TkdnCertificateRevoked", products["P50"])):
        tkdn.revokeCertificate(products["P50"], b"\x00" * 32, {"from": certifier})
    tkdn.certifyProduct(products["P50"], 4000, 0, chain.time() + DAY, b"\x02" * 32, {"from": certifier})
    assert tuple(tkdn.requireValidCertificate(products["P50"])) == (4000, 4000)


def test_guardian_pauses_certification(tkdn, guardian, certifier):
    tkdn.pause({"from": guardian})
    with brownie.reverts(error("EnforcedPause")):
        tkdn.certifyProduct(product_id("X"), 1, 1, chain.time() + DAY, b"\x01" * 32, {"from": certifier})
