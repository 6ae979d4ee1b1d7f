// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title Supplier registry
/// @notice Suppliers (penyedia) that may bid and be paid. A supplier is known by a stable id and
/// one current account key; its business identifiers (NIB, NPWP) are stored only as keyed hashes
/// computed off chain. A supplier acts only while verified and not blacklisted.
///
/// No single officer can take a supplier out of a tender: a blacklisting is proposed by one officer
/// and confirmed by another officer of the same agency within 7 days, never starts before its
/// confirmation, and lasts at most 2 years (731 days, a leap day included); only the registering
/// agency changes a supplier's profile, and only with a reason and a real change.
interface ISupplierRegistry {
    /// @notice What the registry keeps about a supplier. No personal data: identifiers are HMACs.
    struct Supplier {
        address account; // current key; the id survives key rotation
        uint32 regionCode; // Kemendagri region code of the registered office (e.g. 6302)
        uint32 registeredBy; // agency id of the registering officer
        uint32 verifiedBy; // agency id of the verifying officer; 0 while unverified
        bytes32 nibHash; // HMAC of the NIB (business id number)
        bytes32 npwpHash; // HMAC of the NPWP (tax id number)
        bool umkm; // micro or small business (usaha mikro dan kecil)
        uint64 registeredAt;
        uint64 verifiedAt;
        uint64 blacklistStart; // sanction period [start, end); both 0 when never blacklisted
        uint64 blacklistEnd;
        bytes32 blacklistReason; // hash of the sanction decision document
        address registrar; // the officer who registered it (may not also verify it)
    }

    /// @notice A proposed blacklisting, awaiting (or past) its confirmation by a second officer.
    struct BlacklistProposal {
        uint64 supplierId;
        uint64 start; // proposed period [start, end); the effective start is max(start, confirmedAt)
        uint64 end;
        uint64 proposedAt; // confirmable until proposedAt + 7 days (excluded)
        address officer; // the proposing officer (may not confirm it)
        uint32 agencyId; // the proposing officer's agency; the confirming officer must act for it too
        uint64 confirmedAt; // 0 while unconfirmed
        bytes32 reasonHash; // hash of the sanction decision document
    }

    /// @notice A supplier was registered by `officer`, an officer of `agencyId`.
    event SupplierRegistered(
        uint64 indexed supplierId,
        address indexed account,
        uint32 indexed agencyId,
        bool umkm,
        uint32 regionCode,
        address officer
    );
    /// @notice A supplier was verified by an officer of `agencyId`.
    event SupplierVerified(uint64 indexed supplierId, uint32 indexed agencyId, address officer);
    /// @notice An officer of the registering agency changed a supplier's UMKM flag or region, for the
    /// reason whose hash is `reasonHash`; the supplier must be verified again.
    event SupplierProfileUpdated(
        uint64 indexed supplierId, bool umkm, uint32 regionCode, address officer, bytes32 reasonHash
    );
    /// @notice An officer of `agencyId` proposed to bar a supplier during [start, end); nothing changes
    /// for the supplier until another officer of the agency confirms it.
    event SupplierBlacklistProposed(
        uint64 indexed proposalId,
        uint64 indexed supplierId,
        uint32 agencyId,
        address officer,
        uint64 start,
        uint64 end,
        bytes32 reasonHash
    );
    /// @notice `officer`, a second officer of `agencyId`, confirmed proposal `proposalId`: the supplier
    /// is barred from acting during [start, end), `start` being the effective start (never before the
    /// confirmation). A period pending or in force that this one overlaps is extended to cover both.
    event SupplierBlacklisted(
        uint64 indexed supplierId,
        uint32 indexed agencyId,
        uint64 start,
        uint64 end,
        bytes32 reasonHash,
        uint64 indexed proposalId,
        address officer
    );
    /// @notice A blacklisting was lifted early by the committee.
    event SupplierBlacklistLifted(uint64 indexed supplierId, bytes32 reasonHash);
    /// @notice A supplier's key changed; the supplier id and its history stay the same.
    event SupplierKeyRotated(uint64 indexed supplierId, address indexed previousAccount, address indexed newAccount);

    /// @notice The zero address cannot be a supplier key.
    error SupplierInvalidAccount(address account);
    /// @notice NIB and NPWP hashes must be non-zero.
    error SupplierInvalidIdentifier();
    /// @notice Region code 0 is not a region.
    error SupplierInvalidRegion(uint32 regionCode);
    /// @notice `account` already belongs to supplier `supplierId`.
    error SupplierAccountTaken(address account, uint64 supplierId);
    /// @notice A supplier with this NIB is already registered as `supplierId`.
    error SupplierNibTaken(bytes32 nibHash, uint64 supplierId);
    /// @notice No supplier has this id.
    error SupplierUnknown(uint64 supplierId);
    /// @notice No supplier uses this account.
    error SupplierUnknownAccount(address account);
    /// @notice The supplier is already verified.
    error SupplierAlreadyVerified(uint64 supplierId);
    /// @notice The officer who registered a supplier may not verify it, nor may the officer whose
    /// profile update awaits verification (four-eyes rule).
    error SupplierSelfVerification(uint64 supplierId, address officer);
    /// @notice The supplier has not been verified.
    error SupplierNotVerified(uint64 supplierId);
    /// @notice The supplier is blacklisted until `until`.
    error SupplierBlacklistedUntil(uint64 supplierId, uint64 until);
    /// @notice A blacklist period must not start before it is proposed, must end after it starts,
    /// must last at most 2 years (731 days), and must still be ahead when confirmed; it must overlap or
    /// adjoin a period still pending or in force (one record holds one period, and only the committee
    /// ends a sanction early). At confirmation `start` is the effective start.
    error SupplierInvalidBlacklistPeriod(uint64 start, uint64 end);
    /// @notice The supplier is not currently blacklisted.
    error SupplierNotBlacklisted(uint64 supplierId);
    /// @notice A profile update must change the UMKM flag or the region.
    error SupplierProfileUnchanged(uint64 supplierId);
    /// @notice A profile update or a blacklist proposal needs the hash of its reason.
    error SupplierEmptyReason();
    /// @notice No blacklist proposal has this id.
    error SupplierBlacklistProposalUnknown(uint64 proposalId);
    /// @notice The proposal was already confirmed.
    error SupplierBlacklistAlreadyConfirmed(uint64 proposalId);
    /// @notice The proposal could be confirmed only until `expiredAt` (excluded); propose again.
    error SupplierBlacklistProposalExpired(uint64 proposalId, uint64 expiredAt);
    /// @notice The officer who proposed a blacklisting may not confirm it (four-eyes rule).
    error SupplierBlacklistSameOfficer(uint64 proposalId, address officer);
    /// @notice A signed key rotation could be relayed only until `deadline` (UTC seconds).
    error SupplierSignatureExpired(uint256 deadline);
    /// @notice The signed rotation's nonce is not `account`'s next nonce (spent, or not yet).
    error SupplierInvalidNonce(address account, uint256 nonce);
    /// @notice A signature of the rotation recovers to `recovered`, not to `expected`.
    error SupplierInvalidSigner(address recovered, address expected);

    /// @notice Registers a supplier (agency officer). Returns its new id.
    function registerSupplier(address account, bytes32 nibHash, bytes32 npwpHash, bool umkm, uint32 regionCode)
        external
        returns (uint64 supplierId);

    /// @notice Verifies a supplier (an agency officer other than its registrar and other than the
    /// officer who last updated its profile).
    function verifySupplier(uint64 supplierId) external;

    /// @notice Changes the UMKM flag and region (an officer of the agency that registered the
    /// supplier, giving the hash of the reason); an unchanged profile is refused and keeps its
    /// verification, a changed one clears it.
    function updateSupplierProfile(uint64 supplierId, bool umkm, uint32 regionCode, bytes32 reasonHash) external;

    /// @notice Proposes to bar a supplier during [start, end) (agency officer, for its own agency):
    /// `start` not before now, `end` after `start` and at most 2 years (731 days) after it, a
    /// non-zero `reasonHash`. Nothing changes until {confirmBlacklist}. Returns the proposal's id.
    function proposeBlacklist(uint64 supplierId, uint64 start, uint64 end, bytes32 reasonHash)
        external
        returns (uint64 proposalId);

    /// @notice Confirms a proposal (an officer of the proposing agency other than the proposer, within
    /// 7 days of the proposal, once). The supplier is barred from max(start, now) to `end`; a period
    /// still pending or in force is never shortened or postponed: the new one must overlap or adjoin
    /// it, and the record then holds their union.
    function confirmBlacklist(uint64 proposalId) external;

    /// @notice Ends a current or future blacklisting now (committee, through the hub's delay).
    function liftBlacklist(uint64 supplierId, bytes32 reasonHash) external;

    /// @notice Moves the caller's supplier record to `newAccount`; the old key stops working.
    function rotateKey(address newAccount) external;

    /// @notice Moves the supplier record of `current` to `newAccount`, relayed by anyone: both keys
    /// sign the EIP-712 `RotateKey(address current, address newAccount, uint256 nonce, uint256
    /// deadline)` in the domain "Terang SupplierRegistry" version 1, the current key to move, the new
    /// key to show it is held (no rotation to a mistyped or another's address). `nonce` is
    /// nonces(current); a supplier without ETH rotates this way.
    function rotateKeyBySig(
        address current,
        address newAccount,
        uint256 nonce,
        uint256 deadline,
        bytes calldata currentSignature,
        bytes calldata newSignature
    ) external;

    /// @notice The EIP-712 domain separator of the signed key rotation.
    function domainSeparator() external view returns (bytes32);

    /// @notice Moves a supplier whose key was lost to `newAccount` (committee, through the hub's delay).
    function recoverSupplierKey(uint64 supplierId, address newAccount) external;

    /// @notice The supplier id of `account`, or 0.
    function supplierIdOf(address account) external view returns (uint64);

    /// @notice The supplier record; reverts with SupplierUnknown.
    function getSupplier(uint64 supplierId) external view returns (Supplier memory);

    /// @notice Whether the supplier is blacklisted at time `at`. A blacklisting confirmed after `at`
    /// does not reach back to it (its effective start is its confirmation or later).
    function isBlacklistedAt(uint64 supplierId, uint64 at) external view returns (bool);

    /// @notice A blacklist proposal; reverts with SupplierBlacklistProposalUnknown.
    function getBlacklistProposal(uint64 proposalId) external view returns (BlacklistProposal memory);

    /// @notice Number of blacklist proposals (ids run from 1 to this).
    function blacklistProposalCount() external view returns (uint64);

    /// @notice Reverts unless `account` belongs to a verified supplier that is not blacklisted now;
    /// used by every contract where a supplier acts.
    function requireActiveSupplier(address account)
        external
        view
        returns (uint64 supplierId, bool umkm, uint32 regionCode);

    /// @notice Number of registered suppliers (ids run from 1 to this).
    function supplierCount() external view returns (uint64);
}
