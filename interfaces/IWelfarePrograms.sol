// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title Welfare programmes (bansos)
/// @notice Programmes with rules, enrolment of beneficiaries by a keyed hash, on-chain eligibility
/// with reason codes, benefit calculation and per-period batch disbursement into the payments ledger.
///
/// Privacy: a beneficiary is known here only by `beneficiaryKey = HMAC-SHA256(secret, "nik:" + NIK)`,
/// computed off chain by the gateway (`app.protocol.identity.keyed_hash`); the secret never reaches the chain.
/// Attributes are non-identifying: DTSEN decile, region code, and a count per benefit component.
/// No NIK, name or bank account appears in any input or event.
///
/// Periods: period `p` of a programme runs from `firstPeriodStart + p * periodLength` for
/// `periodLength` seconds. Rules are versioned: a change (committee, through the hub's delay) takes
/// effect from the period after the one in which it is executed, never in the current period.
///
/// Disbursement: the welfare admin sends batches of beneficiary keys for the current period. For each
/// key the contract computes the benefit under the period's rules, or skips it with a reason
/// (`BenefitSkipped`). Each beneficiary is paid at most once per period (its last paid period is
/// stored with it), however the keys are batched and however often a batch is resent. The period's
/// budget is never exceeded: the first line that does not fit closes the period (`BudgetExhausted` for
/// it and every later line). The paid lines of a batch become ONE payment instruction in the ledger,
/// whose payee key is the Merkle root of the lines `(lineIndex, beneficiaryKey, amount)` and whose
/// amount is their sum (see docs/decisions/0005-welfare-disbursement.md). The treasury reports failed
/// lines to the ledger with a proof; the admin repays each failed line at most once, in a new batch.
///
/// Money by the committee (docs/decisions/0023-welfare-money-by-committee.md): every programme draws
/// on a budget line the committee approved (`approveBudgetLine`, through the hub's delay): a ceiling
/// per period for all its programmes together, a ceiling per family per period, the period length, and
/// whether the line is exclusive (a family is paid by at most one of its programmes per period, so a
/// cloned programme cannot pay a family twice). The welfare admin defines programmes within a line.
/// Enrollers act only in the programmes and regions the welfare admin scoped them to. A suspension by
/// one enroller cuts only the periods that start at least `suspensionNotice` after it; a second
/// official's confirmation makes it cut the current period. A failed batch is retried or cancelled
/// (budget restored, families unpaid for the period) once per failure.
interface IWelfarePrograms {
    /// @notice Why an applicant is refused or a line is skipped (reason codes told to the applicant).
    enum Reason {
        None,
        DecileNotEligible, // decile outside the programme's deciles (too high), or not a decile 1-10
        RegionNotCovered,
        AlreadyEnrolled,
        NoComponent, // no benefit component the programme pays
        Suspended,
        Exited,
        NotEnrolled,
        AlreadyPaid, // paid already for this period
        BudgetExhausted, // the period's budget cannot cover this line
        PaidByOtherProgramme // paid for this period by another programme of the same exclusive budget line
    }

    enum BeneficiaryStatus {
        None,
        Active,
        Suspended,
        Exited
    }

    enum AppealStatus {
        None,
        Open,
        Upheld,
        Rejected
    }

    /// @notice A programme's rules (one version). Amounts are integer rupiah per period.
    struct Rules {
        uint16 decileMask; // bit d (1-10) set: decile d is eligible; deciles 1-4 = 0x1e
        bool allRegions; // true: every region; false: only the regions listed with the version
        uint8 componentCap; // at most this many components counted per family (highest amounts first)
        uint96 budgetPerPeriod; // rupiah authorised at most per period
        uint64[8] componentAmounts; // rupiah per period per component unit; 0 = component unused
    }

    /// @notice A programme's schedule and rule versions.
    struct Programme {
        uint64 firstPeriodStart;
        uint32 periodLength; // seconds
        uint16 currentVersion;
        uint16 pendingVersion; // 0: none
        uint32 pendingFrom; // first period of the pending version
        uint16 versionCount;
        uint32 batchCount;
        uint32 budgetLine; // the committee's budget line the programme draws on
    }

    /// @notice A budget line the committee approved. Amounts are integer rupiah per period.
    struct BudgetLine {
        uint96 ceilingPerPeriod; // for all the line's programmes together
        uint64 maxBenefit; // per family per period: componentCap x the highest component amount, at most
        uint32 periodLength; // seconds; every programme on the line has this period length
        bool exclusive; // a family is paid by at most one of the line's programmes per period
        uint64 epoch; // exclusive lines: line period n starts at epoch + n * periodLength
        uint96 allocated; // sum over its programmes of the highest budget of their live rules versions
    }

    /// @notice An enrolment request: the keyed hash and non-identifying attributes only.
    struct Applicant {
        bytes32 beneficiaryKey;
        uint8 decile;
        uint32 region; // BPS region code (e.g. kabupaten 6302)
        uint8[8] components; // count per component (e.g. two primary-school children)
    }

    /// @notice A beneficiary as stored (one slot). The benefit under rules version `benefitVersion` is
    /// cached with it (computed at enrolment, update, or the first payment under a new version), so a
    /// payment under unchanged rules reads and writes this one slot and recomputes nothing.
    struct Beneficiary {
        BeneficiaryStatus status;
        uint8 decile;
        uint32 region;
        uint64 components; // eight 8-bit counts, component i in bits 8i..8i+7
        uint32 paidThrough; // 1 + the last period paid; 0 = never paid
        uint16 benefitVersion; // rules version of `benefit`; 0 = none cached (e.g. ineligible)
        uint64 benefit; // rupiah per period under that version
        uint32 suspendedFrom; // Suspended: the first period the suspension cuts (paid before it)
    }

    /// @notice A period's spending.
    struct PeriodState {
        uint96 spent;
        uint32 batches;
        bool exhausted;
    }

    /// @notice A disbursement batch (one instruction in the payments ledger, id = batch id).
    struct Batch {
        uint32 programmeId;
        uint32 period;
        uint32 lineCount;
        uint96 total;
        bytes32 linesRoot;
    }

    /// @notice A line of a batch, as committed by its Merkle root.
    struct Line {
        uint256 index;
        bytes32 beneficiaryKey;
        uint256 amount;
    }

    event ProgrammeDefined(
        uint32 indexed programmeId,
        string name,
        uint64 firstPeriodStart,
        uint32 periodLength,
        Rules rules,
        uint32[] regions,
        address official
    );
    /// @notice Rules version `version` applies from period `effectiveFrom` (the next period).
    event ProgrammeRulesChanged(
        uint32 indexed programmeId, uint16 indexed version, uint32 effectiveFrom, Rules rules, uint32[] regions
    );
    /// @notice Enrolled by `official` (the enroller); so every act on a beneficiary names its official.
    event BeneficiaryEnrolled(
        uint32 indexed programmeId,
        bytes32 indexed beneficiaryKey,
        uint8 decile,
        uint32 region,
        uint8[8] components,
        address official
    );
    event EnrolmentRefused(uint32 indexed programmeId, bytes32 indexed beneficiaryKey, Reason reason, address official);
    /// @notice Attributes changed; `eligibility` is the re-evaluation (None = eligible).
    event BeneficiaryUpdated(
        uint32 indexed programmeId,
        bytes32 indexed beneficiaryKey,
        uint8 decile,
        uint32 region,
        uint8[8] components,
        Reason eligibility,
        address official
    );
    event BeneficiarySuspended(
        uint32 indexed programmeId, bytes32 indexed beneficiaryKey, bytes32 reasonCode, address official
    );
    event BeneficiaryReinstated(
        uint32 indexed programmeId, bytes32 indexed beneficiaryKey, bytes32 reasonCode, address official
    );
    /// @notice Graduation or other exit (`reasonCode`, e.g. "GRADUATED", "DECEASED").
    event BeneficiaryExited(
        uint32 indexed programmeId, bytes32 indexed beneficiaryKey, bytes32 reasonCode, address official
    );
    /// @notice An objection was recorded; `groundsHash` commits to the document held off chain.
    event AppealFiled(uint32 indexed programmeId, bytes32 indexed beneficiaryKey, bytes32 groundsHash, address official);
    event AppealResolved(
        uint32 indexed programmeId, bytes32 indexed beneficiaryKey, bool upheld, bytes32 decisionHash, address official
    );
    /// @notice Line `lineIndex` of batch `batchId` pays `amount` to the beneficiary. The batch id is
    /// data, not a topic (a topic costs 375 gas per line; a batch's lines are the logs of the
    /// transaction that emits its BatchDisbursed).
    event BenefitAuthorized(bytes32 indexed beneficiaryKey, bytes32 batchId, uint256 lineIndex, uint256 amount);
    event BenefitSkipped(uint32 indexed programmeId, bytes32 indexed beneficiaryKey, uint32 period, Reason reason);
    /// @notice A batch became one ledger instruction (`batchId`); `repaysBatch` is zero for a
    /// period's regular batch, else the batch whose failed lines this one repays.
    event BatchDisbursed(
        uint32 indexed programmeId,
        uint32 indexed period,
        bytes32 indexed batchId,
        uint256 lineCount,
        uint256 total,
        bytes32 linesRoot,
        bytes32 repaysBatch,
        address official
    );

    /// @notice The committee approved budget line `lineId`.
    event BudgetLineApproved(
        uint32 indexed lineId,
        uint96 ceilingPerPeriod,
        uint64 maxBenefit,
        uint32 periodLength,
        bool exclusive,
        uint64 epoch,
        address indexed official
    );
    /// @notice The committee changed a line's ceilings (existing programmes keep their rules).
    event BudgetCeilingChanged(
        uint32 indexed lineId, uint96 ceilingPerPeriod, uint64 maxBenefit, address indexed official
    );
    /// @notice Programme `programmeId` now holds `allocation` rupiah per period of line `lineId`.
    event ProgrammeBudgetAllocated(
        uint32 indexed programmeId, uint32 indexed lineId, uint96 allocation, address indexed official
    );
    /// @notice `enroller` may (inScope) or may no longer act for programme `programmeId` in `region`.
    event EnrollerScopeSet(
        uint32 indexed programmeId, address indexed enroller, uint32 region, bool inScope, address indexed official
    );
    event SuspensionNoticeSet(uint32 notice, address indexed official);
    /// @notice `official` suspended the beneficiary from period `effectiveFrom` (it is paid before).
    event SuspensionScheduled(
        uint32 indexed programmeId, bytes32 indexed beneficiaryKey, uint32 effectiveFrom, address indexed official
    );
    /// @notice A second official confirmed the suspension: it cuts period `effectiveFrom` already.
    event SuspensionConfirmed(
        uint32 indexed programmeId, bytes32 indexed beneficiaryKey, uint32 effectiveFrom, address indexed official
    );
    /// @notice The failed batch was re-authorised in the ledger as a new attempt.
    event BatchRetried(bytes32 indexed batchId, address indexed official);
    /// @notice The failed batch was cancelled: `restoredAmount` (its lines not reported failed,
    /// `restoredLines` of them) went back to the period's budget and those families are unpaid.
    event BatchCancelled(
        bytes32 indexed batchId,
        uint256 restoredLines,
        uint256 restoredAmount,
        bytes32 reasonCode,
        address indexed official
    );
    /// @notice Line `lineIndex` of the cancelled batch `batchId` was not paid.
    event BenefitCancelled(bytes32 indexed beneficiaryKey, bytes32 batchId, uint256 lineIndex, uint256 amount);

    error WelfareUnknownProgramme(uint32 programmeId);
    error WelfareUnknownBudgetLine(uint32 lineId);
    /// @notice A budget line needs a ceiling, a family ceiling and a period length.
    error WelfareInvalidBudgetLine();
    /// @notice The line has only `available` rupiah per period left for the `requested` increase.
    error WelfareOverBudgetLine(uint32 lineId, uint256 requested, uint256 available);
    /// @notice The rules can pay a family `maxBenefit` per period, above the line's `ceiling`.
    error WelfareBenefitAboveCeiling(uint32 lineId, uint256 maxBenefit, uint256 ceiling);
    /// @notice The schedule does not fit the line (its period length, or an exclusive line's periods).
    error WelfarePeriodNotOnLine(uint32 lineId, uint64 firstPeriodStart, uint32 periodLength);
    error WelfareEnrollerOutOfScope(uint32 programmeId, address enroller, uint32 region);
    /// @notice The suspension already cuts period `effectiveFrom`, the current one or earlier.
    error WelfareSuspensionInForce(uint32 programmeId, bytes32 beneficiaryKey, uint32 effectiveFrom);
    /// @notice A second official's act: `official` did the first.
    error WelfareSameOfficial(address official);
    /// @notice The batch's instruction is not Failed in the ledger (`status`, IPayments.PaymentStatus).
    error WelfareBatchNotFailed(bytes32 batchId, uint8 status);
    /// @notice The lines given are not the batch's lines (count or Merkle root).
    error WelfareBatchLinesMismatch(bytes32 batchId);
    error WelfareInvalidDeciles(uint16 decileMask);
    error WelfareInvalidComponentCap(uint8 componentCap);
    error WelfareNoComponentAmounts();
    error WelfareZeroBudget();
    error WelfareInvalidSchedule(uint64 firstPeriodStart, uint32 periodLength);
    error WelfareZeroKey();
    error WelfareNotEnrolled(uint32 programmeId, bytes32 beneficiaryKey);
    error WelfareWrongStatus(uint32 programmeId, bytes32 beneficiaryKey, BeneficiaryStatus status);
    error WelfareAppealOpen(uint32 programmeId, bytes32 beneficiaryKey);
    error WelfareNoOpenAppeal(uint32 programmeId, bytes32 beneficiaryKey);
    error WelfareProgrammeNotStarted(uint32 programmeId, uint64 firstPeriodStart);
    /// @notice Batches pay the current period only.
    error WelfareNotCurrentPeriod(uint32 programmeId, uint32 period, uint32 currentPeriod);
    error WelfareUnknownBatch(bytes32 batchId);
    error WelfareLineNotInBatch(bytes32 batchId, uint256 index);
    error WelfareLineNotFailed(bytes32 batchId, uint256 index);
    error WelfareLineAlreadyRepaid(bytes32 batchId, uint256 index);
    error WelfareNothingToRepay(bytes32 batchId);
    /// @notice `lines` and `proofs` differ in length.
    error WelfareLineProofsMismatch(uint256 lines, uint256 proofs);

    /// @notice Approves a budget line (committee, through the hub's delay). Returns its id (1, 2, ...).
    function approveBudgetLine(
        uint96 ceilingPerPeriod,
        uint64 maxBenefit,
        uint32 periodLength,
        bool exclusive,
        uint64 epoch
    ) external returns (uint32 lineId);

    /// @notice Changes a line's ceilings (committee, through the hub's delay). A ceiling below what is
    /// allocated refuses further allocation; programmes keep their rules.
    function setBudgetCeiling(uint32 lineId, uint96 ceilingPerPeriod, uint64 maxBenefit) external;

    /// @notice Sets the suspension notice in seconds (committee, through the hub's delay): a suspension
    /// by one official cuts only periods starting at least this long after it.
    function setSuspensionNotice(uint32 notice) external;

    /// @notice Puts `regions` of a programme in or out of an enroller's scope (welfare admin).
    function setEnrollerScope(address enroller, uint32 programmeId, uint32[] calldata regions, bool inScope)
        external;

    /// @notice Defines a programme on budget line `budgetLine` (welfare admin): its budget per period
    /// must fit in what the line has left, a family's highest benefit under the line's family ceiling,
    /// and its period length be the line's (an exclusive line's programmes also start on a line period).
    /// Its first period must start now or later; rules version 1 applies from period 0. Returns the
    /// new programme id (1, 2, ...).
    function defineProgramme(
        uint32 budgetLine,
        string calldata name,
        uint64 firstPeriodStart,
        uint32 periodLength,
        Rules calldata rules,
        uint32[] calldata regions
    ) external returns (uint32 programmeId);

    /// @notice Changes the rules from the next period (committee, through the hub's delay). A change
    /// executed before the programme starts applies from period 0; a second change in the same period
    /// replaces the first one's pending version. The programme's budget line bounds it too.
    function changeRules(uint32 programmeId, Rules calldata rules, uint32[] calldata regions) external;

    /// @notice Enrols applicants (enroller, in scope for each applicant's region) under the rules in force now: each is enrolled
    /// (`BeneficiaryEnrolled`) or refused with a reason (`EnrolmentRefused`). Returns how many enrolled.
    function enrol(uint32 programmeId, Applicant[] calldata applicants) external returns (uint256 enrolled);

    /// @notice Replaces a beneficiary's attributes and re-evaluates its eligibility (enroller). An
    /// ineligible beneficiary stays enrolled and is skipped, with the reason, until eligible again.
    function updateBeneficiary(uint32 programmeId, Applicant calldata applicant) external returns (Reason);

    /// @notice Suspends an active beneficiary (enroller, in scope), e.g. for an unmet PKH condition. It
    /// cuts the first period that starts at least `suspensionNotice` from now, and later ones; the
    /// family is paid before (one official cannot cut a batch about to be sent).
    function suspend(uint32 programmeId, bytes32 beneficiaryKey, bytes32 reasonCode) external;

    /// @notice Confirms a suspension not yet in force (welfare admin, not the official who suspended):
    /// it then cuts the current period.
    function confirmSuspension(uint32 programmeId, bytes32 beneficiaryKey) external;

    /// @notice Reinstates a suspended beneficiary (welfare admin).
    function reinstate(uint32 programmeId, bytes32 beneficiaryKey, bytes32 reasonCode) external;

    /// @notice Exit (graduation, death, move) of an active or suspended beneficiary (welfare admin).
    function exitBeneficiary(uint32 programmeId, bytes32 beneficiaryKey, bytes32 reasonCode) external;

    /// @notice Records a beneficiary's or a refused applicant's objection (enroller, on their behalf).
    function fileAppeal(uint32 programmeId, bytes32 beneficiaryKey, bytes32 groundsHash) external;

    /// @notice Resolves the open appeal (welfare admin). Upheld: a suspended or exited beneficiary is
    /// reinstated; a refused applicant is re-enrolled by the enroller with corrected attributes.
    function resolveAppeal(uint32 programmeId, bytes32 beneficiaryKey, bool upheld, bytes32 decisionHash) external;

    /// @notice Pays a batch of beneficiaries for `period`, which must be the current period (welfare
    /// admin; stopped by a pause). Returns the batch id (zero when no line was paid), the number of
    /// paid lines and their total.
    function disburse(uint32 programmeId, uint32 period, bytes32[] calldata beneficiaryKeys)
        external
        returns (bytes32 batchId, uint256 paid, uint256 total);

    /// @notice Repays lines the treasury reported failed in the ledger, each at most once, as a new
    /// batch of the same programme and period (welfare admin; stopped by a pause). The period's budget
    /// already counts them. `proofs[i]` proves `lines[i]` against the failed batch's root.
    function repayFailedLines(bytes32 batchId, Line[] calldata lines, bytes32[][] calldata proofs)
        external
        returns (bytes32 newBatchId);

    /// @notice Re-authorises a batch whose instruction the treasury failed as a whole, as a new attempt
    /// (welfare admin; once per failure: a second retry or a cancel is refused until it fails again).
    function retryFailedBatch(bytes32 batchId) external;

    /// @notice Cancels a batch whose instruction the treasury failed as a whole (welfare admin; once):
    /// its lines not reported failed go back to the period's budget and their families become unpaid
    /// for the period. `keys` and `amounts` are all the batch's lines in order (checked by its root);
    /// lines reported failed stay repayable with repayFailedLines.
    function cancelFailedBatch(
        bytes32 batchId,
        bytes32[] calldata keys,
        uint256[] calldata amounts,
        bytes32 reasonCode
    ) external;

    function getBudgetLine(uint32 lineId) external view returns (BudgetLine memory);

    /// @notice The rupiah per period the programme holds of its budget line.
    function allocationOf(uint32 programmeId) external view returns (uint96);

    function isInScope(uint32 programmeId, address enroller, uint32 region) external view returns (bool);

    function suspensionNotice() external view returns (uint32);

    /// @notice 1 + the last line period in which an exclusive line paid the family; 0 = never.
    function linePaidThrough(uint32 lineId, bytes32 beneficiaryKey) external view returns (uint32);

    function getProgramme(uint32 programmeId) external view returns (Programme memory);

    /// @notice The rules version in force in `period`, and its number.
    function rulesFor(uint32 programmeId, uint32 period) external view returns (Rules memory rules, uint16 version);

    function isRegionCovered(uint32 programmeId, uint16 version, uint32 region) external view returns (bool);

    /// @notice The current period; reverts before the programme's first period.
    function currentPeriod(uint32 programmeId) external view returns (uint32);

    function getBeneficiary(uint32 programmeId, bytes32 beneficiaryKey) external view returns (Beneficiary memory);

    /// @notice The beneficiary's benefit for `period` under that period's rules, or why it gets none
    /// (ignoring whether it was paid already and the budget).
    function benefitOf(uint32 programmeId, bytes32 beneficiaryKey, uint32 period)
        external
        view
        returns (uint256 amount, Reason reason);

    function appealOf(uint32 programmeId, bytes32 beneficiaryKey) external view returns (AppealStatus);

    function periodState(uint32 programmeId, uint32 period) external view returns (PeriodState memory);

    function getBatch(bytes32 batchId) external view returns (Batch memory);

    function isLineRepaid(bytes32 batchId, uint256 index) external view returns (bool);
}
