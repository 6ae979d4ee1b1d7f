// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {Nonces} from "@openzeppelin/contracts/utils/Nonces.sol";
import {IAgencyDirectory} from "../interfaces/IAgencyDirectory.sol";
import {IMilestoneEscrow} from "../interfaces/IMilestoneEscrow.sol";
import {IPayments} from "../interfaces/IPayments.sol";
import {IPolicyRegistry} from "../interfaces/IPolicyRegistry.sol";
import {ISupplierRegistry} from "../interfaces/ISupplierRegistry.sol";
import {ITenders} from "../interfaces/ITenders.sol";
import {ManagedPausable} from "./base/ManagedPausable.sol";
import {PaymentMath} from "./libraries/PaymentMath.sol";
import {EscrowPolicy} from "./escrow/EscrowPolicy.sol";

/// @title Milestone escrow
/// @notice See {IMilestoneEscrow}. A pause stops every act here (in particular every new
/// authorisation); settlement of what was authorised continues in Payments, and no state is lost.
contract MilestoneEscrow is IMilestoneEscrow, ManagedPausable, EIP712, Nonces {
    bytes32 private constant _COUNTERSIGN_TYPEHASH =
        keccak256("Countersign(bytes32 escrowId,bytes32 termsHash,uint256 nonce,uint256 deadline)");
    bytes32 private constant _OPEN_DISPUTE_TYPEHASH = keccak256(
        "OpenDispute(bytes32 escrowId,uint8 index,bytes32 evidenceHash,uint256 nonce,uint256 deadline)"
    );
    bytes32 private constant _SUPPLIER_PAYEE_TAG = "terang.payee.supplier";
    uint256 private constant _MAX_VERIFIERS = 16;
    uint256 private constant _MAX_MILESTONES = 64;

    IAgencyDirectory private immutable _agencies;
    ISupplierRegistry private immutable _suppliers;
    ITenders private immutable _tenders;
    IPayments private immutable _payments;
    IPolicyRegistry private immutable _policies;
    /// The version this one succeeds (address(0) for the first): a tender contracted there is never
    /// contracted again here (docs/decisions/0024-upgrades.md).
    IMilestoneEscrow private immutable _predecessor;

    mapping(bytes32 escrowId => Escrow) private _escrows;
    mapping(bytes32 escrowId => mapping(uint8 index => Milestone)) private _milestones;
    mapping(bytes32 escrowId => address[] verifiers) private _verifiers;
    /// @dev 1 + the verifier's position in the escrow's list; 0 when not a verifier of it.
    mapping(bytes32 escrowId => mapping(address verifier => uint8 position)) private _verifierPosition;

    constructor(
        address hub,
        IAgencyDirectory agencies,
        ISupplierRegistry suppliers,
        ITenders tenders,
        IPayments payments,
        IPolicyRegistry policies_,
        IMilestoneEscrow predecessor_
    ) ManagedPausable(hub) EIP712("Terang MilestoneEscrow", "1") {
        _agencies = agencies;
        _suppliers = suppliers;
        _tenders = tenders;
        _payments = payments;
        _policies = policies_;
        _predecessor = predecessor_;
    }

    // ---------------------------------------------------------------- signing

    /// @inheritdoc IMilestoneEscrow
    function createEscrow(bytes32 tenderId, EscrowTerms calldata terms, MilestoneInput[] calldata milestones)
        external
        restricted
        whenNotPaused
        returns (bytes32 escrowId)
    {
        ITenders.Tender memory tender = _tenders.getTender(tenderId);
        _agencies.requireOfficerOf(msg.sender, tender.agencyId);
        if (tender.status != ITenders.TenderStatus.Awarded) {
            revert EscrowTenderNotAwarded(tenderId, uint8(tender.status));
        }
        escrowId = tenderId;
        Escrow storage escrow = _escrows[escrowId];
        if (escrow.status != EscrowStatus.None) revert EscrowAlreadyExists(escrowId);
        if (address(_predecessor) != address(0) && _predecessor.hasEscrow(escrowId)) {
            revert EscrowAlreadyExists(escrowId);
        }

        uint256 value = _tenders.getBid(tenderId, tender.winner).price;
        if (value > type(uint80).max) revert EscrowValueTooLarge(value);
        ISupplierRegistry.Supplier memory supplier = _suppliers.getSupplier(tender.winner);
        uint32 version = EscrowPolicy.checkTerms(address(_policies), terms, value, supplier.umkm);
        _storeVerifiers(escrowId, terms, supplier.account);
        uint8 count = _storeMilestones(escrowId, milestones, value);

        escrow.supplierId = tender.winner;
        escrow.agencyId = tender.agencyId;
        escrow.status = EscrowStatus.AwaitingCountersign;
        escrow.quorum = terms.quorum;
        escrow.verifierCount = uint8(terms.verifiers.length);
        escrow.milestoneCount = count;
        escrow.retentionBps = terms.retentionBps;
        escrow.penaltyCapBps = terms.penaltyCapBps;
        escrow.penaltyPpmPerDay = terms.penaltyPpmPerDay;
        escrow.maintenancePeriod = terms.maintenancePeriod;
        escrow.value = uint80(value);
        escrow.originalValue = uint80(value);
        escrow.policyVersion = version;
        escrow.multiYear = terms.multiYear;
        escrow.advanceAmount = terms.advanceAmount;
        escrow.advanceGuaranteeRef = terms.advanceGuaranteeRef;
        escrow.performanceBondRef = terms.performanceBondRef;
        bytes32 termsHash = keccak256(abi.encode(tenderId, tender.winner, value, terms, milestones));
        escrow.termsHash = termsHash;
        emit EscrowCreated(escrowId, tender.winner, tender.agencyId, msg.sender, value, count, termsHash, version);
    }

    /// @inheritdoc IMilestoneEscrow
    function countersign(bytes32 escrowId) external whenNotPaused {
        Escrow storage escrow = _escrowIn(escrowId, EscrowStatus.AwaitingCountersign);
        address account = _suppliers.getSupplier(escrow.supplierId).account;
        if (msg.sender != account) revert EscrowNotSupplier(escrowId, msg.sender);
        _countersign(escrowId, escrow, account, false);
    }

    /// @inheritdoc IMilestoneEscrow
    function countersignBySig(bytes32 escrowId, uint256 nonce, uint256 deadline, bytes calldata signature)
        external
        whenNotPaused
    {
        Escrow storage escrow = _escrowIn(escrowId, EscrowStatus.AwaitingCountersign);
        address account = _suppliers.getSupplier(escrow.supplierId).account;
        _useSignature(
            account,
            keccak256(abi.encode(_COUNTERSIGN_TYPEHASH, escrowId, escrow.termsHash, nonce, deadline)),
            nonce,
            deadline,
            signature
        );
        _countersign(escrowId, escrow, account, true);
    }

    // ---------------------------------------------------------------- delivery and payment

    /// @inheritdoc IMilestoneEscrow
    function attest(bytes32 escrowId, uint8 index, bytes32 evidenceHash, uint40 deliveredAt)
        external
        restricted
        whenNotPaused
    {
        Escrow storage escrow = _escrowIn(escrowId, EscrowStatus.Active);
        uint8 position = _verifierPosition[escrowId][msg.sender];
        if (position == 0) revert EscrowNotVerifier(escrowId, msg.sender);
        if (deliveredAt < escrow.signedAt || deliveredAt > block.timestamp) {
            revert EscrowInvalidDeliveryDate(deliveredAt, escrow.signedAt, uint40(block.timestamp));
        }
        Milestone storage milestone = _milestone(escrowId, escrow, index);
        MilestoneStatus status = milestone.status;
        if (status == MilestoneStatus.Rejected || status == MilestoneStatus.RejectionUpheld) {
            // Delivered again after a rejection: a new round of attestations.
            milestone.status = status = MilestoneStatus.Pending;
            milestone.attestations = 0;
            milestone.attestedMask = 0;
            milestone.deliveredAt = 0;
        }
        if (status != MilestoneStatus.Pending) revert EscrowWrongMilestoneStatus(escrowId, index, status);
        uint16 bit = uint16(1) << (position - 1);
        if (milestone.attestedMask & bit != 0) revert EscrowAlreadyAttested(escrowId, index, msg.sender);
        milestone.attestedMask |= bit;
        // The round's delivery date is the latest evidence date of its k attestations.
        if (deliveredAt > milestone.deliveredAt) milestone.deliveredAt = deliveredAt;
        uint8 attestations = ++milestone.attestations;
        uint8 quorum = escrow.quorum;
        if (attestations == quorum) milestone.status = MilestoneStatus.Attested;
        emit MilestoneAttested(escrowId, index, msg.sender, evidenceHash, deliveredAt, attestations, quorum);
    }

    /// @inheritdoc IMilestoneEscrow
    function approveMilestone(bytes32 escrowId, uint8 index)
        external
        restricted
        whenNotPaused
        returns (bytes32 paymentId)
    {
        Escrow storage escrow = _escrowIn(escrowId, EscrowStatus.Active);
        _requireDecider(escrowId, escrow);
        Milestone storage milestone = _milestone(escrowId, escrow, index);
        if (milestone.status != MilestoneStatus.Attested) {
            if (milestone.status == MilestoneStatus.Pending) {
                revert EscrowNotEnoughAttestations(escrowId, index, milestone.attestations, escrow.quorum);
            }
            revert EscrowWrongMilestoneStatus(escrowId, index, milestone.status);
        }
        paymentId = _pay(escrowId, escrow, milestone, index);
    }

    /// @inheritdoc IMilestoneEscrow
    function rejectMilestone(bytes32 escrowId, uint8 index, bytes32 reasonHash) external restricted whenNotPaused {
        Escrow storage escrow = _escrowIn(escrowId, EscrowStatus.Active);
        _requireDecider(escrowId, escrow);
        Milestone storage milestone = _milestone(escrowId, escrow, index);
        if (milestone.status != MilestoneStatus.Attested) {
            revert EscrowWrongMilestoneStatus(escrowId, index, milestone.status);
        }
        milestone.status = MilestoneStatus.Rejected;
        emit MilestoneRejected(escrowId, index, msg.sender, reasonHash);
    }

    /// @inheritdoc IMilestoneEscrow
    function openDispute(bytes32 escrowId, uint8 index, bytes32 evidenceHash) external whenNotPaused {
        Escrow storage escrow = _disputable(escrowId);
        if (msg.sender != _suppliers.getSupplier(escrow.supplierId).account) {
            revert EscrowNotSupplier(escrowId, msg.sender);
        }
        _openDispute(escrowId, escrow, index, evidenceHash);
    }

    /// @inheritdoc IMilestoneEscrow
    function openDisputeBySig(
        bytes32 escrowId,
        uint8 index,
        bytes32 evidenceHash,
        uint256 nonce,
        uint256 deadline,
        bytes calldata signature
    ) external whenNotPaused {
        Escrow storage escrow = _disputable(escrowId);
        _useSignature(
            _suppliers.getSupplier(escrow.supplierId).account,
            keccak256(abi.encode(_OPEN_DISPUTE_TYPEHASH, escrowId, index, evidenceHash, nonce, deadline)),
            nonce,
            deadline,
            signature
        );
        _openDispute(escrowId, escrow, index, evidenceHash);
    }

    /// @inheritdoc IMilestoneEscrow
    function resolveDispute(bytes32 escrowId, uint8 index, bool overturn, bytes32 decisionHash)
        external
        restricted
        whenNotPaused
    {
        Escrow storage escrow = _existing(escrowId);
        Milestone storage milestone = _milestone(escrowId, escrow, index);
        DisputeKind kind;
        bytes32 paymentId;
        if (milestone.status == MilestoneStatus.Disputed) {
            kind = DisputeKind.Rejection;
            if (!overturn) {
                milestone.status = MilestoneStatus.RejectionUpheld;
            } else if (escrow.status == EscrowStatus.Active) {
                // The rejection is void: the milestone keeps its k attestations and is paid.
                paymentId = _pay(escrowId, escrow, milestone, index);
            } else {
                // A terminated contract authorises nothing more; the overturn is recorded only.
                milestone.status = MilestoneStatus.Attested;
            }
        } else if (milestone.penaltyDispute == DisputeStatus.Open) {
            kind = DisputeKind.Penalty;
            if (overturn) {
                milestone.penaltyDispute = DisputeStatus.Overturned;
                uint80 penalty = milestone.penalty;
                escrow.penalties -= penalty;
                escrow.authorized += penalty;
                paymentId = _authorize(escrowId, escrow, IPayments.Purpose.Milestone, PaymentKind.PenaltyRefund, index, penalty);
            } else {
                milestone.penaltyDispute = DisputeStatus.Upheld;
            }
        } else {
            revert EscrowNoOpenDispute(escrowId, index);
        }
        emit DisputeResolved(escrowId, index, kind, overturn, decisionHash, paymentId);
    }

    /// @inheritdoc IMilestoneEscrow
    function amendMilestone(bytes32 escrowId, uint8 index, uint80 amount, uint40 dueDate, bytes32 documentHash)
        external
        restricted
        whenNotPaused
    {
        Escrow storage escrow = _escrowIn(escrowId, EscrowStatus.Active);
        Milestone storage milestone = _milestone(escrowId, escrow, index);
        if (milestone.status == MilestoneStatus.Approved) {
            revert EscrowWrongMilestoneStatus(escrowId, index, milestone.status);
        }
        if (amount == 0 || dueDate == 0) revert EscrowInvalidMilestone(index);
        // An addendum does not erase a delay already running: a late milestone keeps its due date.
        uint40 due = milestone.dueDate;
        if (dueDate != due && block.timestamp > due) revert EscrowMilestoneOverdue(escrowId, index, due);
        uint80 previous = milestone.amount;
        if (amount < previous && escrow.advanceOutstanding != 0) {
            revert EscrowAdvanceOutstanding(escrowId, escrow.advanceOutstanding);
        }
        // Checked arithmetic: the new value must still fit its field.
        uint80 value = escrow.value - previous + amount;
        if (value > escrow.value) {
            // Addenda add at most the bound policy's share of the ORIGINAL value, in total.
            uint256 original = escrow.originalValue;
            uint256 maxValue = EscrowPolicy.amendmentCeiling(address(_policies), escrow.policyVersion, original);
            if (value > maxValue) revert EscrowAmendmentCapExceeded(escrowId, value, maxValue);
        }
        milestone.amount = amount;
        milestone.dueDate = dueDate;
        escrow.value = value;
        uint16 number = ++escrow.amendmentCount;
        emit ContractAmended(escrowId, number, index, previous, amount, dueDate, value, documentHash);
    }

    /// @inheritdoc IMilestoneEscrow
    function replaceVerifier(bytes32 escrowId, address current, address successor, bytes32 reasonHash)
        external
        restricted
        whenNotPaused
    {
        Escrow storage escrow = _escrowIn(escrowId, EscrowStatus.Active);
        uint8 position = _verifierPosition[escrowId][current];
        if (position == 0) revert EscrowNotVerifier(escrowId, current);
        if (
            successor == address(0) || _verifierPosition[escrowId][successor] != 0
                || successor == _suppliers.getSupplier(escrow.supplierId).account
        ) revert EscrowInvalidVerifier(successor);
        delete _verifierPosition[escrowId][current];
        _verifierPosition[escrowId][successor] = position;
        _verifiers[escrowId][position - 1] = successor;
        // The replaced verifier's attestations in an open round no longer count.
        uint16 bit = uint16(1) << (position - 1);
        uint64 restarted;
        uint8 count = escrow.milestoneCount;
        for (uint8 i = 0; i < count; ++i) {
            Milestone storage milestone = _milestones[escrowId][i];
            MilestoneStatus status = milestone.status;
            if (
                (status == MilestoneStatus.Pending || status == MilestoneStatus.Attested)
                    && milestone.attestedMask & bit != 0
            ) {
                milestone.status = MilestoneStatus.Pending;
                milestone.attestations = 0;
                milestone.attestedMask = 0;
                milestone.deliveredAt = 0;
                restarted |= uint64(1) << i;
            }
        }
        emit VerifierReplaced(escrowId, current, successor, msg.sender, reasonHash, restarted);
    }

    /// @inheritdoc IMilestoneEscrow
    function releaseRetention(bytes32 escrowId) external restricted whenNotPaused returns (bytes32 paymentId) {
        Escrow storage escrow = _escrowIn(escrowId, EscrowStatus.Completed);
        _agencies.requireOfficerOf(msg.sender, escrow.agencyId);
        if (escrow.retentionReleased) revert EscrowRetentionAlreadyReleased(escrowId);
        uint40 releasableAt = escrow.completedAt + escrow.maintenancePeriod;
        if (block.timestamp < releasableAt) revert EscrowMaintenanceNotOver(escrowId, releasableAt);
        uint80 amount = escrow.retentionHeld;
        if (amount == 0) revert EscrowNothingToRelease(escrowId);
        escrow.retentionReleased = true;
        escrow.retentionHeld = 0;
        escrow.authorized += amount;
        paymentId = _authorize(escrowId, escrow, IPayments.Purpose.Retention, PaymentKind.Retention, 0, amount);
        emit RetentionReleased(escrowId, paymentId, amount, msg.sender);
    }

    /// @inheritdoc IMilestoneEscrow
    function retryPayment(bytes32 escrowId, PaymentKind kind, uint8 index) external restricted whenNotPaused {
        Escrow storage escrow = _existing(escrowId);
        _agencies.requireOfficerOf(msg.sender, escrow.agencyId);
        _payments.reauthorize(paymentIdOf(escrowId, kind, index));
    }

    /// @inheritdoc IMilestoneEscrow
    function terminate(bytes32 escrowId, bytes32 reasonHash) external restricted whenNotPaused {
        Escrow storage escrow = _existing(escrowId);
        EscrowStatus status = escrow.status;
        if (status != EscrowStatus.AwaitingCountersign && status != EscrowStatus.Active) {
            revert EscrowWrongStatus(escrowId, status);
        }
        escrow.status = EscrowStatus.Terminated;
        emit EscrowTerminated(escrowId, reasonHash);
    }

    // ---------------------------------------------------------------- views

    /// @inheritdoc IMilestoneEscrow
    function getEscrow(bytes32 escrowId) external view returns (Escrow memory) {
        return _existing(escrowId);
    }

    /// @inheritdoc IMilestoneEscrow
    function getMilestone(bytes32 escrowId, uint8 index) external view returns (Milestone memory) {
        return _milestone(escrowId, _existing(escrowId), index);
    }

    /// @inheritdoc IMilestoneEscrow
    function verifiersOf(bytes32 escrowId) external view returns (address[] memory) {
        return _verifiers[escrowId];
    }

    /// @inheritdoc IMilestoneEscrow
    function remaining(bytes32 escrowId) external view returns (uint256) {
        Escrow storage escrow = _existing(escrowId);
        return uint256(escrow.value) - escrow.authorized - escrow.penalties;
    }

    /// @inheritdoc IMilestoneEscrow
    function hasEscrow(bytes32 escrowId) external view returns (bool) {
        if (_escrows[escrowId].status != EscrowStatus.None) return true;
        return address(_predecessor) != address(0) && _predecessor.hasEscrow(escrowId);
    }

    /// @inheritdoc IMilestoneEscrow
    function predecessor() external view returns (address) {
        return address(_predecessor);
    }

    /// @inheritdoc IMilestoneEscrow
    function policies() external view returns (address) {
        return address(_policies);
    }

    /// @inheritdoc IMilestoneEscrow
    function domainSeparator() external view returns (bytes32) {
        return _domainSeparatorV4();
    }

    /// @inheritdoc IMilestoneEscrow
    function paymentIdOf(bytes32 escrowId, PaymentKind kind, uint8 index) public view returns (bytes32) {
        return keccak256(abi.encode(address(this), _reference(escrowId, kind, index)));
    }

    /// @inheritdoc IMilestoneEscrow
    function payeeKeyOf(uint64 supplierId) public pure returns (bytes32) {
        return keccak256(abi.encode(_SUPPLIER_PAYEE_TAG, supplierId));
    }

    // ---------------------------------------------------------------- internal

    /// @dev Checks the supplier's EIP-712 signature over `structHash` (deadline, then nonce, then
    /// signer) and spends the nonce, so a relayer can use a signature once and only before its deadline.
    function _useSignature(
        address account,
        bytes32 structHash,
        uint256 nonce,
        uint256 deadline,
        bytes calldata signature
    ) private {
        if (block.timestamp > deadline) revert EscrowSignatureExpired(deadline);
        if (nonce != nonces(account)) revert EscrowInvalidNonce(account, nonce);
        (address recovered, ECDSA.RecoverError error,) = ECDSA.tryRecover(_hashTypedDataV4(structHash), signature);
        if (error != ECDSA.RecoverError.NoError || recovered != account) revert EscrowInvalidSigner(recovered, account);
        _useNonce(account);
    }

    function _disputable(bytes32 escrowId) private view returns (Escrow storage escrow) {
        escrow = _existing(escrowId);
        if (escrow.status != EscrowStatus.Active && escrow.status != EscrowStatus.Completed) {
            revert EscrowWrongStatus(escrowId, escrow.status);
        }
    }

    /// @dev A rejection is disputed while the milestone stands rejected; a penalty once, after approval.
    function _openDispute(bytes32 escrowId, Escrow storage escrow, uint8 index, bytes32 evidenceHash) private {
        Milestone storage milestone = _milestone(escrowId, escrow, index);
        DisputeKind kind;
        if (milestone.status == MilestoneStatus.Rejected) {
            milestone.status = MilestoneStatus.Disputed;
            kind = DisputeKind.Rejection;
        } else if (
            milestone.status == MilestoneStatus.Approved && milestone.penalty != 0
                && milestone.penaltyDispute == DisputeStatus.None
        ) {
            milestone.penaltyDispute = DisputeStatus.Open;
            kind = DisputeKind.Penalty;
        } else {
            revert EscrowNothingToDispute(escrowId, index);
        }
        emit DisputeOpened(escrowId, index, kind, evidenceHash);
    }

    function _countersign(bytes32 escrowId, Escrow storage escrow, address signer, bool bySignature) private {
        _suppliers.requireActiveSupplier(signer);
        escrow.status = EscrowStatus.Active;
        escrow.signedAt = uint40(block.timestamp);
        uint80 advance = escrow.advanceAmount;
        bytes32 advancePaymentId;
        if (advance != 0) {
            escrow.advanceOutstanding = advance;
            escrow.authorized = advance;
            advancePaymentId = _authorize(escrowId, escrow, IPayments.Purpose.Advance, PaymentKind.Advance, 0, advance);
        }
        emit EscrowCountersigned(escrowId, escrow.supplierId, signer, bySignature, advancePaymentId);
    }

    /// @dev Approves `milestone` and authorises its net payment. Advance repayment targets
    /// floor(grossApproved * advance / value) in total, so rounding never accumulates and the advance
    /// is fully repaid when every milestone is; grossApproved is recovered from the ledger identity
    /// (authorized + penalties = grossApproved - retentionHeld + advanceOutstanding before release).
    function _pay(bytes32 escrowId, Escrow storage escrow, Milestone storage milestone, uint8 index)
        private
        returns (bytes32 paymentId)
    {
        uint256 gross = milestone.amount;
        uint256 due = milestone.dueDate;
        uint256 delivered = milestone.deliveredAt;
        // Time paused between the due date and the delivery is not counted against the supplier.
        if (delivered > due) delivered -= _pausedWithin(due, delivered);
        PaymentMath.Deductions memory d = _deductions(escrow, milestone, gross, delivered);

        milestone.status = MilestoneStatus.Approved;
        if (d.penalty != 0) milestone.penalty = uint80(d.penalty);
        // Every amount below is at most `gross` <= value < 2**80.
        escrow.retentionHeld += uint80(d.retention);
        escrow.penalties += uint80(d.penalty);
        if (d.advance != 0) escrow.advanceOutstanding -= uint80(d.advance);
        escrow.authorized += uint80(d.net);
        uint8 approved = ++escrow.approvedCount;
        if (approved == escrow.milestoneCount) {
            escrow.status = EscrowStatus.Completed;
            escrow.completedAt = uint40(block.timestamp);
            emit EscrowCompleted(escrowId, uint40(block.timestamp) + escrow.maintenancePeriod);
        }
        if (d.net != 0) {
            paymentId = _authorize(escrowId, escrow, IPayments.Purpose.Milestone, PaymentKind.Milestone, index, d.net);
        }
        _emitApproved(escrowId, index, paymentId, gross, d, PaymentMath.daysLate(due, delivered));
    }

    function _emitApproved(
        bytes32 escrowId,
        uint8 index,
        bytes32 paymentId,
        uint256 gross,
        PaymentMath.Deductions memory d,
        uint256 late
    ) private {
        emit MilestoneApproved(escrowId, index, paymentId, gross, d.retention, d.penalty, d.advance, d.net, late, msg.sender);
    }

    /// @dev Advance repayment targets floor(grossApproved * advance / value) in total, so rounding
    /// never accumulates and the advance is fully repaid when every milestone is. grossApproved is
    /// recovered from the ledger identity (before the retention release):
    /// authorized + penalties = grossApproved - retentionHeld + advanceOutstanding.
    function _deductions(Escrow storage escrow, Milestone storage milestone, uint256 gross, uint256 delivered)
        private
        view
        returns (PaymentMath.Deductions memory)
    {
        uint256 penaltyDue = PaymentMath.latePenalty(
            gross, milestone.dueDate, delivered, escrow.penaltyPpmPerDay, escrow.penaltyCapBps
        );
        uint256 outstanding = escrow.advanceOutstanding;
        uint256 advanceDue;
        if (outstanding != 0) {
            uint256 advance = escrow.advanceAmount;
            uint256 approvedBefore = uint256(escrow.authorized) + escrow.penalties + escrow.retentionHeld - outstanding;
            uint256 target = (approvedBefore + gross) * advance / escrow.value;
            uint256 repaid = advance - outstanding;
            advanceDue = target > repaid ? target - repaid : 0;
            if (advanceDue > outstanding) advanceDue = outstanding;
        }
        return PaymentMath.split(gross, escrow.retentionBps, penaltyDue, advanceDue);
    }

    function _authorize(
        bytes32 escrowId,
        Escrow storage escrow,
        IPayments.Purpose purpose,
        PaymentKind kind,
        uint8 index,
        uint256 amount
    ) private returns (bytes32) {
        return _payments.authorize(purpose, payeeKeyOf(escrow.supplierId), amount, _reference(escrowId, kind, index));
    }

    function _storeVerifiers(bytes32 escrowId, EscrowTerms calldata terms, address supplierAccount) private {
        uint256 count = terms.verifiers.length;
        if (count == 0 || count > _MAX_VERIFIERS || terms.quorum == 0 || terms.quorum > count) {
            revert EscrowInvalidVerifiers(count, terms.quorum);
        }
        for (uint256 i = 0; i < count; ++i) {
            address verifier = terms.verifiers[i];
            if (
                verifier == address(0) || verifier == msg.sender || verifier == supplierAccount
                    || _verifierPosition[escrowId][verifier] != 0
            ) revert EscrowInvalidVerifier(verifier);
            // i < 16, so i + 1 fits a uint8.
            _verifierPosition[escrowId][verifier] = uint8(i + 1);
        }
        _verifiers[escrowId] = terms.verifiers;
    }

    function _storeMilestones(bytes32 escrowId, MilestoneInput[] calldata milestones, uint256 value)
        private
        returns (uint8)
    {
        uint256 count = milestones.length;
        if (count == 0 || count > _MAX_MILESTONES) revert EscrowInvalidMilestoneCount(count);
        uint256 sum;
        for (uint256 i = 0; i < count; ++i) {
            MilestoneInput calldata input = milestones[i];
            uint256 amount = input.shareBps == 0 ? input.amount : PaymentMath.shareAmount(value, input.shareBps);
            if (amount == 0 || (input.amount != 0 && input.shareBps != 0) || input.dueDate <= block.timestamp) {
                revert EscrowInvalidMilestone(i);
            }
            sum += amount;
            Milestone storage milestone = _milestones[escrowId][uint8(i)];
            milestone.amount = uint80(amount);
            milestone.dueDate = input.dueDate;
            milestone.deliverableHash = input.deliverableHash;
        }
        if (sum != value) revert EscrowMilestonesDoNotSum(sum, value);
        return uint8(count);
    }

    function _escrowIn(bytes32 escrowId, EscrowStatus expected) private view returns (Escrow storage escrow) {
        escrow = _existing(escrowId);
        if (escrow.status != expected) revert EscrowWrongStatus(escrowId, escrow.status);
    }

    function _existing(bytes32 escrowId) private view returns (Escrow storage escrow) {
        escrow = _escrows[escrowId];
        if (escrow.status == EscrowStatus.None) revert EscrowUnknown(escrowId);
    }

    function _milestone(bytes32 escrowId, Escrow storage escrow, uint8 index)
        private
        view
        returns (Milestone storage)
    {
        if (index >= escrow.milestoneCount) revert EscrowUnknownMilestone(escrowId, index);
        return _milestones[escrowId][index];
    }

    /// @dev The official deciding on a milestone is an officer of the escrow's agency and never one
    /// of its verifiers (whoever attested cannot approve).
    function _requireDecider(bytes32 escrowId, Escrow storage escrow) private view {
        _agencies.requireOfficerOf(msg.sender, escrow.agencyId);
        if (_verifierPosition[escrowId][msg.sender] != 0) revert EscrowVerifierCannotDecide(escrowId, msg.sender);
    }

    function _reference(bytes32 escrowId, PaymentKind kind, uint8 index) private pure returns (bytes32) {
        return keccak256(abi.encode(escrowId, kind, index));
    }
}
