// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {Nonces} from "@openzeppelin/contracts/utils/Nonces.sol";
import {IAgencyDirectory} from "../interfaces/IAgencyDirectory.sol";
import {ISupplierRegistry} from "../interfaces/ISupplierRegistry.sol";
import {ManagedPausable} from "./base/ManagedPausable.sol";

/// @title Supplier registry
/// @notice See {ISupplierRegistry}.
contract SupplierRegistry is ISupplierRegistry, ManagedPausable, EIP712, Nonces {
    bytes32 private constant _ROTATE_KEY_TYPEHASH =
        keccak256("RotateKey(address current,address newAccount,uint256 nonce,uint256 deadline)");
    // A second officer confirms a blacklist proposal within this window, or it must be proposed again.
    uint64 private constant _CONFIRMATION_WINDOW = 7 days;
    // Daftar hitam lasts 1 or 2 years (Perpres 16/2018 Ps 78); two calendar years hold at most 731 days.
    uint64 private constant _MAX_BLACKLIST_PERIOD = 731 days;

    IAgencyDirectory private immutable _agencies;

    uint64 private _supplierCount;
    mapping(uint64 supplierId => Supplier) private _suppliers;
    mapping(address account => uint64 supplierId) private _supplierOfAccount;
    mapping(bytes32 nibHash => uint64 supplierId) private _supplierOfNib;
    // The officer whose profile update awaits verification; like the registrar, it may not verify.
    mapping(uint64 supplierId => address officer) private _profileUpdatedBy;
    uint64 private _proposalCount;
    mapping(uint64 proposalId => BlacklistProposal) private _proposals;

    constructor(address hub, IAgencyDirectory agencies)
        ManagedPausable(hub)
        EIP712("Terang SupplierRegistry", "1")
    {
        _agencies = agencies;
    }

    /// @inheritdoc ISupplierRegistry
    function registerSupplier(address account, bytes32 nibHash, bytes32 npwpHash, bool umkm, uint32 regionCode)
        external
        restricted
        whenNotPaused
        returns (uint64 supplierId)
    {
        uint32 agencyId = _agencies.agencyOf(msg.sender);
        _requireFreeAccount(account);
        if (nibHash == bytes32(0) || npwpHash == bytes32(0)) revert SupplierInvalidIdentifier();
        if (regionCode == 0) revert SupplierInvalidRegion(regionCode);
        uint64 existing = _supplierOfNib[nibHash];
        if (existing != 0) revert SupplierNibTaken(nibHash, existing);

        supplierId = ++_supplierCount;
        Supplier storage supplier = _suppliers[supplierId];
        supplier.account = account;
        supplier.regionCode = regionCode;
        supplier.registeredBy = agencyId;
        supplier.nibHash = nibHash;
        supplier.npwpHash = npwpHash;
        supplier.umkm = umkm;
        supplier.registeredAt = uint64(block.timestamp);
        supplier.registrar = msg.sender;
        _supplierOfAccount[account] = supplierId;
        _supplierOfNib[nibHash] = supplierId;
        emit SupplierRegistered(supplierId, account, agencyId, umkm, regionCode, msg.sender);
    }

    /// @inheritdoc ISupplierRegistry
    function verifySupplier(uint64 supplierId) external restricted whenNotPaused {
        uint32 agencyId = _agencies.agencyOf(msg.sender);
        Supplier storage supplier = _existing(supplierId);
        if (supplier.verifiedBy != 0) revert SupplierAlreadyVerified(supplierId);
        if (supplier.registrar == msg.sender || _profileUpdatedBy[supplierId] == msg.sender) {
            revert SupplierSelfVerification(supplierId, msg.sender);
        }
        supplier.verifiedBy = agencyId;
        supplier.verifiedAt = uint64(block.timestamp);
        emit SupplierVerified(supplierId, agencyId, msg.sender);
    }

    /// @inheritdoc ISupplierRegistry
    function updateSupplierProfile(uint64 supplierId, bool umkm, uint32 regionCode, bytes32 reasonHash)
        external
        restricted
        whenNotPaused
    {
        Supplier storage supplier = _existing(supplierId);
        // The registering agency answers for the profile; another agency's officer could otherwise
        // take a bidder out of a tender by clearing its verification.
        _agencies.requireOfficerOf(msg.sender, supplier.registeredBy);
        if (regionCode == 0) revert SupplierInvalidRegion(regionCode);
        if (reasonHash == bytes32(0)) revert SupplierEmptyReason();
        if (supplier.umkm == umkm && supplier.regionCode == regionCode) revert SupplierProfileUnchanged(supplierId);
        supplier.umkm = umkm;
        supplier.regionCode = regionCode;
        // A changed profile is a new claim: someone other than the updater must verify it again (and,
        // as always, other than the registrar, whose claim of the identifiers is verified with it).
        supplier.verifiedBy = 0;
        supplier.verifiedAt = 0;
        _profileUpdatedBy[supplierId] = msg.sender;
        emit SupplierProfileUpdated(supplierId, umkm, regionCode, msg.sender, reasonHash);
    }

    /// @inheritdoc ISupplierRegistry
    function proposeBlacklist(uint64 supplierId, uint64 start, uint64 end, bytes32 reasonHash)
        external
        restricted
        whenNotPaused
        returns (uint64 proposalId)
    {
        uint32 agencyId = _agencies.agencyOf(msg.sender);
        _existing(supplierId);
        // Never backdated, never open-ended: at most the 2 years a sanction may last.
        if (start < block.timestamp || end <= start || end - start > _MAX_BLACKLIST_PERIOD) {
            revert SupplierInvalidBlacklistPeriod(start, end);
        }
        if (reasonHash == bytes32(0)) revert SupplierEmptyReason();
        proposalId = ++_proposalCount;
        _proposals[proposalId] = BlacklistProposal({
            supplierId: supplierId,
            start: start,
            end: end,
            proposedAt: uint64(block.timestamp),
            officer: msg.sender,
            agencyId: agencyId,
            confirmedAt: 0,
            reasonHash: reasonHash
        });
        emit SupplierBlacklistProposed(proposalId, supplierId, agencyId, msg.sender, start, end, reasonHash);
    }

    /// @inheritdoc ISupplierRegistry
    function confirmBlacklist(uint64 proposalId) external restricted whenNotPaused {
        BlacklistProposal storage proposal = _proposal(proposalId);
        _agencies.requireOfficerOf(msg.sender, proposal.agencyId);
        if (proposal.officer == msg.sender) revert SupplierBlacklistSameOfficer(proposalId, msg.sender);
        if (proposal.confirmedAt != 0) revert SupplierBlacklistAlreadyConfirmed(proposalId);
        uint64 now_ = uint64(block.timestamp);
        uint64 expiredAt = proposal.proposedAt + _CONFIRMATION_WINDOW;
        if (now_ >= expiredAt) revert SupplierBlacklistProposalExpired(proposalId, expiredAt);

        // The sanction starts at its confirmation at the earliest: a bid committed before it stands.
        uint64 start = proposal.start > now_ ? proposal.start : now_;
        uint64 end = proposal.end;
        if (end <= start) revert SupplierInvalidBlacklistPeriod(start, end);
        Supplier storage supplier = _suppliers[proposal.supplierId];
        uint64 recordStart = start;
        uint64 recordEnd = end;
        if (supplier.blacklistEnd > now_) {
            // A period still pending or in force is never cut short or postponed (ending a sanction
            // early is the committee's act: liftBlacklist, through the hub's delay). One record holds
            // one period, so the new one must overlap or adjoin it; the record becomes their union.
            if (start > supplier.blacklistEnd || end < supplier.blacklistStart) {
                revert SupplierInvalidBlacklistPeriod(start, end);
            }
            if (supplier.blacklistStart < recordStart) recordStart = supplier.blacklistStart;
            if (supplier.blacklistEnd > recordEnd) recordEnd = supplier.blacklistEnd;
        }
        proposal.confirmedAt = now_;
        supplier.blacklistStart = recordStart;
        supplier.blacklistEnd = recordEnd;
        supplier.blacklistReason = proposal.reasonHash;
        emit SupplierBlacklisted(
            proposal.supplierId, proposal.agencyId, start, end, proposal.reasonHash, proposalId, msg.sender
        );
    }

    /// @inheritdoc ISupplierRegistry
    function liftBlacklist(uint64 supplierId, bytes32 reasonHash) external restricted whenNotPaused {
        Supplier storage supplier = _existing(supplierId);
        if (supplier.blacklistEnd <= block.timestamp) revert SupplierNotBlacklisted(supplierId);
        uint64 now_ = uint64(block.timestamp);
        // Keep the served part of the period on record; a future period collapses to empty.
        if (supplier.blacklistStart > now_) supplier.blacklistStart = now_;
        supplier.blacklistEnd = now_;
        emit SupplierBlacklistLifted(supplierId, reasonHash);
    }

    /// @inheritdoc ISupplierRegistry
    function rotateKey(address newAccount) external whenNotPaused {
        uint64 supplierId = _supplierOfAccount[msg.sender];
        if (supplierId == 0) revert SupplierUnknownAccount(msg.sender);
        _moveKey(supplierId, newAccount);
    }

    /// @inheritdoc ISupplierRegistry
    function rotateKeyBySig(
        address current,
        address newAccount,
        uint256 nonce,
        uint256 deadline,
        bytes calldata currentSignature,
        bytes calldata newSignature
    ) external whenNotPaused {
        if (block.timestamp > deadline) revert SupplierSignatureExpired(deadline);
        uint64 supplierId = _supplierOfAccount[current];
        if (supplierId == 0) revert SupplierUnknownAccount(current);
        if (nonce != nonces(current)) revert SupplierInvalidNonce(current, nonce);
        bytes32 digest =
            _hashTypedDataV4(keccak256(abi.encode(_ROTATE_KEY_TYPEHASH, current, newAccount, nonce, deadline)));
        _requireSigner(digest, currentSignature, current);
        _requireSigner(digest, newSignature, newAccount);
        _useNonce(current);
        _moveKey(supplierId, newAccount);
    }

    /// @inheritdoc ISupplierRegistry
    function recoverSupplierKey(uint64 supplierId, address newAccount) external restricted whenNotPaused {
        _existing(supplierId);
        _moveKey(supplierId, newAccount);
    }

    /// @inheritdoc ISupplierRegistry
    function supplierIdOf(address account) external view returns (uint64) {
        return _supplierOfAccount[account];
    }

    /// @inheritdoc ISupplierRegistry
    function getSupplier(uint64 supplierId) external view returns (Supplier memory) {
        return _existingView(supplierId);
    }

    /// @inheritdoc ISupplierRegistry
    function isBlacklistedAt(uint64 supplierId, uint64 at) public view returns (bool) {
        Supplier storage supplier = _existingView(supplierId);
        return supplier.blacklistStart <= at && at < supplier.blacklistEnd;
    }

    /// @inheritdoc ISupplierRegistry
    function requireActiveSupplier(address account)
        external
        view
        returns (uint64 supplierId, bool umkm, uint32 regionCode)
    {
        supplierId = _supplierOfAccount[account];
        if (supplierId == 0) revert SupplierUnknownAccount(account);
        Supplier storage supplier = _suppliers[supplierId];
        if (supplier.verifiedBy == 0) revert SupplierNotVerified(supplierId);
        if (isBlacklistedAt(supplierId, uint64(block.timestamp))) {
            revert SupplierBlacklistedUntil(supplierId, supplier.blacklistEnd);
        }
        return (supplierId, supplier.umkm, supplier.regionCode);
    }

    /// @inheritdoc ISupplierRegistry
    function getBlacklistProposal(uint64 proposalId) external view returns (BlacklistProposal memory) {
        return _proposal(proposalId);
    }

    /// @inheritdoc ISupplierRegistry
    function supplierCount() external view returns (uint64) {
        return _supplierCount;
    }

    /// @inheritdoc ISupplierRegistry
    function blacklistProposalCount() external view returns (uint64) {
        return _proposalCount;
    }

    /// @inheritdoc ISupplierRegistry
    function domainSeparator() external view returns (bytes32) {
        return _domainSeparatorV4();
    }

    function _moveKey(uint64 supplierId, address newAccount) private {
        _requireFreeAccount(newAccount);
        Supplier storage supplier = _suppliers[supplierId];
        address previous = supplier.account;
        delete _supplierOfAccount[previous];
        _supplierOfAccount[newAccount] = supplierId;
        supplier.account = newAccount;
        emit SupplierKeyRotated(supplierId, previous, newAccount);
    }

    /// @dev `signature` over `digest` must recover to `expected` (a malformed one recovers to nobody).
    function _requireSigner(bytes32 digest, bytes calldata signature, address expected) private pure {
        (address recovered, ECDSA.RecoverError error,) = ECDSA.tryRecover(digest, signature);
        if (error != ECDSA.RecoverError.NoError || recovered != expected) {
            revert SupplierInvalidSigner(recovered, expected);
        }
    }

    function _requireFreeAccount(address account) private view {
        if (account == address(0)) revert SupplierInvalidAccount(account);
        uint64 holder = _supplierOfAccount[account];
        if (holder != 0) revert SupplierAccountTaken(account, holder);
    }

    function _existing(uint64 supplierId) private view returns (Supplier storage) {
        return _existingView(supplierId);
    }

    function _proposal(uint64 proposalId) private view returns (BlacklistProposal storage proposal) {
        if (proposalId == 0 || proposalId > _proposalCount) revert SupplierBlacklistProposalUnknown(proposalId);
        proposal = _proposals[proposalId];
    }

    function _existingView(uint64 supplierId) private view returns (Supplier storage supplier) {
        if (supplierId == 0 || supplierId > _supplierCount) revert SupplierUnknown(supplierId);
        supplier = _suppliers[supplierId];
    }
}
