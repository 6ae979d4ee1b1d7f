// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title TKDN certificate registry
/// @notice Certified local content (TKDN) and company benefit weight (BMP) of products, as published
/// in Kemenperin's list. Certificates are recorded by an accredited certifier (TKDN_CERTIFIER role),
/// expire, and can be revoked. Tenders read them when a bid claims a product.
interface ITkdnRegistry {
    /// @notice A product's certificate as recorded. Shares in basis points (10,000 = 100%).
    struct Certificate {
        uint16 tkdnBps; // TKDN of the product
        uint16 bmpBps; // BMP as certified (before the cap)
        uint40 validUntil; // last second of validity (unix time)
        bool revoked;
        address certifier; // the certifier's account that recorded it
        bytes32 certificateHash; // hash of the certificate document
    }

    /// @notice `productId` was certified (or re-certified, replacing the earlier certificate).
    event ProductCertified(
        bytes32 indexed productId,
        address indexed certifier,
        uint16 tkdnBps,
        uint16 bmpBps,
        uint40 validUntil,
        bytes32 certificateHash
    );
    /// @notice `productId`'s certificate was revoked; `reasonHash` is the decision document's hash.
    event CertificateRevoked(bytes32 indexed productId, address indexed certifier, bytes32 reasonHash);

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
    /// @notice `productId`'s certificate was revoked.
    error TkdnCertificateRevoked(bytes32 productId);

    /// @notice Records a certificate for `productId` (TKDN certifier). Re-certifying replaces it.
    function certifyProduct(
        bytes32 productId,
        uint16 tkdnBps,
        uint16 bmpBps,
        uint40 validUntil,
        bytes32 certificateHash
    ) external;

    /// @notice Revokes `productId`'s certificate (TKDN certifier).
    function revokeCertificate(bytes32 productId, bytes32 reasonHash) external;

    /// @notice The recorded certificate (all zero when none).
    function certificateOf(bytes32 productId) external view returns (Certificate memory);

    /// @notice TKDN and capped TKDN + BMP of a product whose certificate is valid now; reverts with
    /// TkdnProductNotCertified, TkdnCertificateRevoked or TkdnCertificateExpired otherwise.
    function requireValidCertificate(bytes32 productId)
        external
        view
        returns (uint16 tkdnBps, uint16 tkdnPlusBmpBps);

    /// @notice The BMP cap applied by `requireValidCertificate` (basis points, commonly 1,500).
    function bmpCapBps() external view returns (uint16);
}
