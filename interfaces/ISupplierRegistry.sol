// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title Supplier registry
/// @notice Suppliers (penyedia) that may bid and be paid. A supplier is known by a stable id and
/// one current account key; its business identifiers (NIB, NPWP) are stored only as keyed hashes
/// computed off chain. A supplier acts only while verified and not blacklisted.
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

    /// @notice A supplier was registered by an officer of `agencyId`.
    event SupplierRegistered(
        uint64 indexed supplierId, address indexed account, uint32 indexed agencyId, bool umkm, uint32 regionCode
    );
    /// @notice A supplier was verified by an officer of `agencyId`.
    event SupplierVerified(uint64 indexed supplierId, uint32 indexed agencyId, address officer);
    /// @notice A supplier's UMKM flag or region changed; it must be verified again.
    event SupplierProfileUpdated(uint64 indexed supplierId, bool umkm, uint32 regionCode);
    /// @notice A supplier is barred from acting during [start, end).
    event SupplierBlacklisted(
        uint64 indexed supplierId, uint32 indexed agencyId, uint64 start, uint64 end, bytes32 reasonHash
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
    /// @notice A blacklist period must end after it starts and after now, and must cover any period
    /// that is still pending or in force (only the committee ends a sanction early).
    error SupplierInvalidBlacklistPeriod(uint64 start, uint64 end);
    /// @notice The supplier is not currently blacklisted.
    error SupplierNotBlacklisted(uint64 supplierId);

    /// @notice Registers a supplier (agency officer). Returns its new id.
    function registerSupplier(address account, bytes32 nibHash, bytes32 npwpHash, bool umkm, uint32 regionCode)
        external
        returns (uint64 supplierId);

    /// @notice Verifies a supplier (an agency officer other than its registrar and other than the
    /// officer who last updated its profile).
    function verifySupplier(uint64 supplierId) external;

    /// @notice Changes the UMKM flag and region (agency officer); clears verification.
    function updateSupplierProfile(uint64 supplierId, bool umkm, uint32 regionCode) external;

    /// @notice Bars a supplier during [start, end) (agency officer), replacing any earlier period; a
    /// period still pending or in force can only be extended, not shortened or postponed.
    function blacklistSupplier(uint64 supplierId, uint64 start, uint64 end, bytes32 reasonHash) external;

    /// @notice Ends a current or future blacklisting now (committee, through the hub's delay).
    function liftBlacklist(uint64 supplierId, bytes32 reasonHash) external;

    /// @notice Moves the caller's supplier record to `newAccount`; the old key stops working.
    function rotateKey(address newAccount) external;

    /// @notice Moves a supplier whose key was lost to `newAccount` (committee, through the hub's delay).
    function recoverSupplierKey(uint64 supplierId, address newAccount) external;

    /// @notice The supplier id of `account`, or 0.
    function supplierIdOf(address account) external view returns (uint64);

    /// @notice The supplier record; reverts with SupplierUnknown.
    function getSupplier(uint64 supplierId) external view returns (Supplier memory);

    /// @notice Whether the supplier is blacklisted at time `at`.
    function isBlacklistedAt(uint64 supplierId, uint64 at) external view returns (bool);

    /// @notice Reverts unless `account` belongs to a verified supplier that is not blacklisted now;
    /// used by every contract where a supplier acts.
    function requireActiveSupplier(address account)
        external
        view
        returns (uint64 supplierId, bool umkm, uint32 regionCode);

    /// @notice Number of registered suppliers (ids run from 1 to this).
    function supplierCount() external view returns (uint64);
}
