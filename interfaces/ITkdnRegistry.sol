// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title TKDN certificate registry
/// @notice Certified local content (TKDN) and company benefit weight (BMP) of products, as published
/// in Kemenperin's list. Certificates are recorded by an accredited certifier (TKDN_CERTIFIER role),
/// expire, and can be revoked. A product's certificates form a history: re-certifying adds a version
/// that is in force from its issue time, and revoking ends the latest version from the moment of the
/// revocation, so the registry can answer both "is it valid now?" and "was it valid at moment T?"
/// (what a tender asks about its commit deadline), and no later act changes the answer for a past T.
interface ITkdnRegistry {
    /// @notice One version of a product's certificate. Shares in basis points (10,000 = 100%).
    struct Certificate {
        uint16 tkdnBps; // TKDN of the product
        uint16 bmpBps; // BMP as certified (before the cap)
        uint40 validUntil; // last second of validity (unix time)
        uint40 issuedAt; // when this version was recorded (block time); in force from then
        uint40 revokedAt; // when it was revoked (block time), invalid from then on; 0 = not revoked
        uint32 version; // 1 for the product's first certificate, then 2, 3, ...; 0 = no such version
        address certifier; // the certifier's account that recorded it
        bytes32 certificateHash; // hash of the certificate document
    }

    /// @notice `productId` was certified: `version` is its new latest certificate, issued at the
    /// block's time (version 1 on first certification, higher on re-certification).
    event ProductCertified(
        bytes32 indexed productId,
        address indexed certifier,
        uint32 version,
        uint16 tkdnBps,
        uint16 bmpBps,
        uint40 validUntil,
        bytes32 certificateHash
    );
    /// @notice `version`, the latest certificate of `productId`, was revoked at the block's time;
    /// `reasonHash` is the decision document's hash.
    event CertificateRevoked(bytes32 indexed productId, address indexed certifier, uint32 version, bytes32 reasonHash);

    /// @notice Product id 0 is reserved.
    error TkdnInvalidProduct();
    /// @notice A share above 100%.
    error TkdnInvalidShare(uint16 tkdnBps, uint16 bmpBps);
    /// @notice A certificate must be valid until a future time.
    error TkdnInvalidValidity(uint40 validUntil);
    /// @notice The BMP cap of the registry must be at most 100%.
    error TkdnInvalidBmpCap(uint16 bmpCapBps);
    /// @notice No certificate was ever recorded for `productId` (a false TKDN claim).
    error TkdnProductNotCertified(bytes32 productId);
    /// @notice `productId`'s certificate expired at `validUntil`.
    error TkdnCertificateExpired(bytes32 productId, uint40 validUntil);
    /// @notice `productId`'s latest certificate was revoked.
    error TkdnCertificateRevoked(bytes32 productId);

    /// @notice Records a new version of `productId`'s certificate (TKDN certifier), in force from now;
    /// earlier versions stay in the history, in force over the times they covered.
    function certifyProduct(
        bytes32 productId,
        uint16 tkdnBps,
        uint16 bmpBps,
        uint40 validUntil,
        bytes32 certificateHash
    ) external;

    /// @notice Revokes `productId`'s latest certificate from now on (TKDN certifier). The revocation
    /// takes the block's time: it cannot be dated in the past, so it never changes whether the
    /// certificate was valid at an earlier moment.
    function revokeCertificate(bytes32 productId, bytes32 reasonHash) external;

    /// @notice The latest version of `productId`'s certificate (all zero when none).
    function certificateOf(bytes32 productId) external view returns (Certificate memory);

    /// @notice Version `version` of `productId`'s certificate (all zero when there is no such version).
    function certificateVersion(bytes32 productId, uint32 version) external view returns (Certificate memory);

    /// @notice Whether `productId` had a valid certificate at time `at`, and its TKDN and capped
    /// TKDN + BMP then. The version in force at `at` is the latest one issued at or before `at`;
    /// it is valid when `at` is at most its `validUntil` and it was not revoked at or before `at`.
    /// Never reverts: `valid` is false (and both figures zero) for an unknown product, a product first
    /// certified after `at`, and an expired or revoked certificate. Later re-certification, revocation
    /// or expiry does not change the answer for a past `at`.
    function certificateAt(bytes32 productId, uint40 at)
        external
        view
        returns (bool valid, uint16 tkdnBps, uint16 tkdnPlusBmpBps);

    /// @notice TKDN and capped TKDN + BMP of a product whose latest certificate is valid now; reverts
    /// with TkdnProductNotCertified, TkdnCertificateRevoked or TkdnCertificateExpired otherwise.
    function requireValidCertificate(bytes32 productId)
        external
        view
        returns (uint16 tkdnBps, uint16 tkdnPlusBmpBps);

    /// @notice The BMP cap applied by `certificateAt` and `requireValidCertificate` (basis points,
    /// commonly 1,500).
    function bmpCapBps() external view returns (uint16);
}
