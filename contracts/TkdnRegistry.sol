// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ITkdnRegistry} from "../interfaces/ITkdnRegistry.sol";
import {ManagedPausable} from "./base/ManagedPausable.sol";
import {TkdnMath} from "./libraries/TkdnMath.sol";

/// @title TKDN certificate registry
/// @notice See {ITkdnRegistry}.
contract TkdnRegistry is ITkdnRegistry, ManagedPausable {
    uint16 private immutable _bmpCapBps;

    mapping(bytes32 productId => Certificate) private _certificates;

    constructor(address hub, uint16 bmpCap) ManagedPausable(hub) {
        if (bmpCap > TkdnMath.BPS) revert TkdnInvalidBmpCap(bmpCap);
        _bmpCapBps = bmpCap;
    }

    /// @inheritdoc ITkdnRegistry
    function certifyProduct(
        bytes32 productId,
        uint16 tkdnBps,
        uint16 bmpBps,
        uint40 validUntil,
        bytes32 certificateHash
    ) external restricted whenNotPaused {
        if (productId == bytes32(0)) revert TkdnInvalidProduct();
        if (tkdnBps > TkdnMath.BPS || bmpBps > TkdnMath.BPS) revert TkdnInvalidShare(tkdnBps, bmpBps);
        if (validUntil <= block.timestamp) revert TkdnInvalidValidity(validUntil);
        _certificates[productId] = Certificate({
            tkdnBps: tkdnBps,
            bmpBps: bmpBps,
            validUntil: validUntil,
            revoked: false,
            certifier: msg.sender,
            certificateHash: certificateHash
        });
        emit ProductCertified(productId, msg.sender, tkdnBps, bmpBps, validUntil, certificateHash);
    }

    /// @inheritdoc ITkdnRegistry
    function revokeCertificate(bytes32 productId, bytes32 reasonHash) external restricted whenNotPaused {
        Certificate storage certificate = _certificates[productId];
        if (certificate.certifier == address(0)) revert TkdnProductNotCertified(productId);
        if (certificate.revoked) revert TkdnCertificateRevoked(productId);
        certificate.revoked = true;
        emit CertificateRevoked(productId, msg.sender, reasonHash);
    }

    /// @inheritdoc ITkdnRegistry
    function certificateOf(bytes32 productId) external view returns (Certificate memory) {
        return _certificates[productId];
    }

    /// @inheritdoc ITkdnRegistry
    function requireValidCertificate(bytes32 productId)
        external
        view
        returns (uint16 tkdnBps, uint16 tkdnPlusBmpBps)
    {
        Certificate storage certificate = _certificates[productId];
        if (certificate.certifier == address(0)) revert TkdnProductNotCertified(productId);
        if (certificate.revoked) revert TkdnCertificateRevoked(productId);
        if (certificate.validUntil < block.timestamp) {
            revert TkdnCertificateExpired(productId, certificate.validUntil);
        }
        tkdnBps = certificate.tkdnBps;
        tkdnPlusBmpBps = TkdnMath.tkdnPlusBmpBps(tkdnBps, certificate.bmpBps, _bmpCapBps);
    }

    /// @inheritdoc ITkdnRegistry
    function bmpCapBps() external view returns (uint16) {
        return _bmpCapBps;
    }
}
