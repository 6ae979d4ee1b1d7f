"""The permission model, declared once: role ids, labels, role admins and guardians, and which role
may call each restricted function. The deploy script applies it to the AccessManager hub; the
gateway maps bearer-token roles onto it; the tests check that every state-changing function of every
deployed contract appears here (restricted to a role) or in PUBLIC_FUNCTIONS (guarded in-contract).

Pure Python with no dependencies, so both the brownie environment and the gateway import it.
"""

from __future__ import annotations

from dataclasses import dataclass

# OpenZeppelin AccessManager's built-in ids.
ADMIN_ROLE = 0
PUBLIC_ROLE = 2**64 - 1


@dataclass(frozen=True)
class Role:
    id: int
    name: str
    label_en: str
    label_id: str
    admin: str  # the role whose members grant and revoke this one
    guardian: str | None = None  # the role whose members may cancel this role's scheduled operations


ROLES: dict[str, Role] = {
    role.name: role
    for role in (
        Role(
            ADMIN_ROLE,
            "ADMIN",
            "Hub administrator (committee, delayed)",
            "Administrator hub (komite, tertunda)",
            admin="ADMIN",
        ),
        Role(
            1,
            "COMMITTEE",
            "Multi-agency committee",
            "Komite lintas instansi",
            admin="ADMIN",
            # No guardian role: held only by the Committee contract, whose guardian agencies veto
            # through it (Committee.veto), once per act; the hub's default guardian is ADMIN, which
            # only the Committee holds on a live network. No single key cancels committee acts.
        ),
        Role(2, "GUARDIAN", "Guardian (BPK/KPK)", "Penjaga (BPK/KPK)", admin="ADMIN"),
        Role(
            3,
            "AGENCY_OFFICER",
            "Agency officer (PPK/Pokja)",
            "Pejabat instansi (PPK/Pokja)",
            admin="COMMITTEE",
            guardian="GUARDIAN",
        ),
        Role(
            4,
            "VERIFIER",
            "Delivery verifier",
            "Pemeriksa hasil pekerjaan",
            admin="COMMITTEE",
            guardian="GUARDIAN",
        ),
        Role(
            5,
            "TREASURY",
            "Treasury (payment gateway)",
            "Bendahara (gerbang pembayaran)",
            admin="COMMITTEE",
            guardian="GUARDIAN",
        ),
        Role(
            6,
            "WELFARE_ADMIN",
            "Welfare programme administrator",
            "Administrator program bansos",
            admin="COMMITTEE",
            guardian="GUARDIAN",
        ),
        Role(
            7, "ENROLLER", "Enrolment officer", "Petugas pendaftaran", admin="COMMITTEE", guardian="GUARDIAN"
        ),
        Role(
            8,
            "AUDITOR",
            "Auditor (BPK/KPK/BPKP)",
            "Auditor (BPK/KPK/BPKP)",
            admin="COMMITTEE",
            guardian="GUARDIAN",
        ),
        Role(
            9, "TKDN_CERTIFIER", "TKDN certifier", "Verifikator TKDN", admin="COMMITTEE", guardian="GUARDIAN"
        ),
        Role(
            10,
            "DATA_OFFICER",
            "Data officer (LKPP, archive imports)",
            "Petugas data (LKPP, impor arsip)",
            admin="COMMITTEE",
            guardian="GUARDIAN",
        ),
        Role(
            11,
            "CATALOGUE_PUBLISHER",
            "e-Katalog publisher (LKPP)",
            "Penerbit e-Katalog (LKPP)",
            admin="COMMITTEE",
            guardian="GUARDIAN",
        ),
        # Held by the EPurchasing contract alone (CONTRACT_ROLES), never by a person.
        Role(
            12,
            "E_PURCHASING",
            "E-Purchasing contract (records orders as awards)",
            "Kontrak e-Purchasing (mencatat pesanan sebagai penetapan)",
            admin="COMMITTEE",
            guardian="GUARDIAN",
        ),
    )
}

# contract name -> function name -> role name. Functions of AccessManaged contracts not listed
# here are closed to everyone but the hub admin (AccessManager's default for unset selectors).
PERMISSIONS: dict[str, dict[str, str]] = {
    "AgencyDirectory": {
        "registerAgency": "COMMITTEE",
        "assignOfficer": "COMMITTEE",
        "removeOfficer": "COMMITTEE",
        "pause": "GUARDIAN",
        "unpause": "COMMITTEE",
    },
    # The hub admits any AGENCY_OFFICER; the contract then scopes by agency (AgencyDirectory): only
    # the registering agency updates a profile, and a blacklisting proposed by one officer takes
    # effect when a second officer of the same agency confirms it.
    "SupplierRegistry": {
        "registerSupplier": "AGENCY_OFFICER",
        "verifySupplier": "AGENCY_OFFICER",
        "updateSupplierProfile": "AGENCY_OFFICER",
        "proposeBlacklist": "AGENCY_OFFICER",
        "confirmBlacklist": "AGENCY_OFFICER",
        "liftBlacklist": "COMMITTEE",
        "recoverSupplierKey": "COMMITTEE",
        "pause": "GUARDIAN",
        "unpause": "COMMITTEE",
    },
    "TkdnRegistry": {
        "certifyProduct": "TKDN_CERTIFIER",
        "revokeCertificate": "TKDN_CERTIFIER",
        "pause": "GUARDIAN",
        "unpause": "COMMITTEE",
    },
    # The money rules: version 1 at deployment, each later version by the committee through the
    # hub's delay (the guardian may cancel it); a version applies to tenders announced and contracts
    # signed afterwards (docs/decisions/0021-versioned-policy.md).
    "PolicyRegistry": {
        "publishPolicy": "COMMITTEE",
        "pause": "GUARDIAN",
        "unpause": "COMMITTEE",
    },
    # Tender acts are the agency's (PPK/Pokja). The hub admits any AGENCY_OFFICER; the contract then
    # requires an officer of the tender's own agency (AgencyDirectory) to announce, amend, cancel and
    # appoint the Pokja, a member of that tender's Pokja for openings, scores, non-compliance,
    # evaluation and objections, and an officer outside the Pokja (the KPA) for appeals.
    "Tenders": {
        "announceTender": "AGENCY_OFFICER",
        "amendTender": "AGENCY_OFFICER",
        "cancelTender": "AGENCY_OFFICER",
        "appointPokja": "AGENCY_OFFICER",
        "openSealedBid": "AGENCY_OFFICER",
        "sealScoreSheet": "AGENCY_OFFICER",
        "openScoreSheet": "AGENCY_OFFICER",
        "declareNonCompliant": "AGENCY_OFFICER",
        "withdrawPreference": "AGENCY_OFFICER",
        "evaluate": "AGENCY_OFFICER",
        "resolveObjection": "AGENCY_OFFICER",
        "resolveAppeal": "AGENCY_OFFICER",
        # Only the EPurchasing contract, after it checked the officer, provider and catalogue proof.
        "recordPurchase": "E_PURCHASING",
        "pause": "GUARDIAN",
        "unpause": "COMMITTEE",
    },
    # Only the treasury (the gateway relaying the provider's callbacks) records outcomes. Authorising
    # is open at the hub but guarded in-contract: only source contracts the committee registered.
    "Payments": {
        "registerSource": "COMMITTEE",
        "revokeSource": "COMMITTEE",
        "settle": "TREASURY",
        "fail": "TREASURY",
        "failLines": "TREASURY",
        "pause": "GUARDIAN",
        "unpause": "COMMITTEE",
    },
    # PPK acts are further scoped in-contract to the escrow's agency (AgencyDirectory), never by one
    # of the escrow's verifiers; attestation to the verifiers of the signed terms. Disputes, addenda,
    # verifier replacement and termination are the committee's, through the hub's delay (a guardian
    # agency may veto them).
    "MilestoneEscrow": {
        "createEscrow": "AGENCY_OFFICER",
        "approveMilestone": "AGENCY_OFFICER",
        "rejectMilestone": "AGENCY_OFFICER",
        "releaseRetention": "AGENCY_OFFICER",
        "retryPayment": "AGENCY_OFFICER",
        "attest": "VERIFIER",
        "resolveDispute": "COMMITTEE",
        "amendMilestone": "COMMITTEE",
        "replaceVerifier": "COMMITTEE",
        "terminate": "COMMITTEE",
        "pause": "GUARDIAN",
        "unpause": "COMMITTEE",
    },
    # Field officers enrol, update, suspend and file appeals on a beneficiary's behalf, each only in
    # the programmes and regions the welfare admin scoped it to (checked in-contract); a suspension
    # cuts the current period only once a welfare admin other than the suspender confirms it. The
    # welfare admin defines programmes within a budget line the committee approved, decides
    # reinstatement, exit and appeals, sends disbursement batches and retries or cancels a failed one.
    # Budget lines, rule changes (amounts, deciles, regions, budget) and the suspension notice are the
    # committee's, through the hub's delay (a guardian agency may veto them); rules apply from the next
    # period (docs/decisions/0005, 0023).
    "WelfarePrograms": {
        "approveBudgetLine": "COMMITTEE",
        "setBudgetCeiling": "COMMITTEE",
        "setSuspensionNotice": "COMMITTEE",
        "setEnrollerScope": "WELFARE_ADMIN",
        "defineProgramme": "WELFARE_ADMIN",
        "changeRules": "COMMITTEE",
        "confirmSuspension": "WELFARE_ADMIN",
        "retryFailedBatch": "WELFARE_ADMIN",
        "cancelFailedBatch": "WELFARE_ADMIN",
        "enrol": "ENROLLER",
        "updateBeneficiary": "ENROLLER",
        "suspend": "ENROLLER",
        "fileAppeal": "ENROLLER",
        "reinstate": "WELFARE_ADMIN",
        "exitBeneficiary": "WELFARE_ADMIN",
        "resolveAppeal": "WELFARE_ADMIN",
        "disburse": "WELFARE_ADMIN",
        "repayFailedLines": "WELFARE_ADMIN",
        "pause": "GUARDIAN",
        "unpause": "COMMITTEE",
    },
    # A caseworker registers a family's grievance (its hash and deadline); a welfare administrator
    # other than the one who registered it resolves it (checked in-contract).
    "Grievances": {
        "registerGrievance": "ENROLLER",
        "resolveGrievance": "WELFARE_ADMIN",
        "pause": "GUARDIAN",
        "unpause": "COMMITTEE",
    },
    # Data officers anchor the Merkle roots of imported archives (past processes, plans, supplier
    # extracts, catalogue listings); an archive is append-only (docs/decisions/0041-legacy-archives.md).
    "Archives": {
        "anchorArchive": "DATA_OFFICER",
        "pause": "GUARDIAN",
        "unpause": "COMMITTEE",
    },
    # LKPP publishes each e-Katalog snapshot's Merkle root; an officer orders a listed product for its
    # own agency (checked in-contract) with the product's proof (docs/decisions/0043-e-purchasing.md).
    "EPurchasing": {
        "publishCatalogue": "CATALOGUE_PUBLISHER",
        "placeOrder": "AGENCY_OFFICER",
        "pause": "GUARDIAN",
        "unpause": "COMMITTEE",
    },
    # The committee's own membership and threshold are committee acts on the Committee itself, so
    # they pass the hub's delay and the guardians' veto like any other (docs/decisions/0018).
    "Committee": {
        "addMemberAgency": "COMMITTEE",
        "removeMemberAgency": "COMMITTEE",
        "seatOfficial": "COMMITTEE",
        "unseatOfficial": "COMMITTEE",
        "setThreshold": "COMMITTEE",
    },
}

# State-changing functions that are deliberately open to any caller, each guarded inside the
# contract (e.g. only the supplier's own key may rotate it).
PUBLIC_FUNCTIONS: dict[str, set[str]] = {
    "SupplierRegistry": {"rotateKey", "rotateKeyBySig"},
    # Bids come from a registered supplier's key or carry its EIP-712 signature (relayed by anyone,
    # e.g. the gateway); a supplier burns its own nonces; finalisation follows published rules, so
    # anyone may trigger it once due; objections and appeals only from a bidder's key (objections
    # also with its EIP-712 signature).
    "Tenders": {
        "commitBid",
        "commitBidBySig",
        "invalidateNonce",
        "revealBid",
        "revealBidBySig",
        "fileObjection",
        "fileObjectionBySig",
        "fileAppeal",
        "fileAppealBySig",
        "finalizeAward",
    },
    # Registered source contracts only (checked in-contract); retry and cancel by the instruction's source.
    "Payments": {"authorize", "authorizeBatch", "reauthorize", "cancel"},
    # The winning supplier's key, or its EIP-712 signature relayed by anyone (countersign, dispute).
    "MilestoneEscrow": {"countersign", "countersignBySig", "openDispute", "openDisputeBySig"},
    # Seated officials only (checked in-contract): proposing, approving (one count per agency),
    # scheduling after k agencies, executing after the delay; vetoing by guardian agencies' officials.
    "Committee": {"propose", "approve", "schedule", "execute", "veto"},
}

# Roles held by a deployed contract rather than a person: role name -> the contract granted it at
# deployment (no deploy config grants them).
CONTRACT_ROLES: dict[str, str] = {"E_PURCHASING": "EPurchasing"}

# The deployables that take the hub in their constructor, in deployment order.
MANAGED_CONTRACTS: tuple[str, ...] = tuple(PERMISSIONS)


def role_id(name: str) -> int:
    """Role id for a role name; raises KeyError with the known names for a typo."""
    try:
        return ROLES[name].id
    except KeyError:
        raise KeyError(f"unknown role {name!r}; known roles: {', '.join(ROLES)}") from None
