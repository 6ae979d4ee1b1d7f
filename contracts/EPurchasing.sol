// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IAccessManager} from "@openzeppelin/contracts/access/manager/IAccessManager.sol";
import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";
import {IAgencyDirectory} from "../interfaces/IAgencyDirectory.sol";
import {IEPurchasing} from "../interfaces/IEPurchasing.sol";
import {ISupplierRegistry} from "../interfaces/ISupplierRegistry.sol";
import {ITenders} from "../interfaces/ITenders.sol";
import {ManagedPausable} from "./base/ManagedPausable.sol";

/// @title E-Purchasing from the national electronic catalogue (e-Katalog)
/// @notice See {IEPurchasing}. The catalogue roots live here; an order proven against the one in
/// force is recorded in Tenders (recordPurchase, which the hub opens to this contract alone).
contract EPurchasing is IEPurchasing, ManagedPausable {
    IAgencyDirectory private immutable _agencies;
    ISupplierRegistry private immutable _suppliers;
    ITenders private immutable _tenders;

    uint64 private _current;
    mapping(uint64 catalogueId => Catalogue) private _catalogues;

    constructor(address hub, IAgencyDirectory agencies, ISupplierRegistry suppliers, ITenders tenders)
        ManagedPausable(hub)
    {
        _agencies = agencies;
        _suppliers = suppliers;
        _tenders = tenders;
    }

    /// @inheritdoc IEPurchasing
    function publishCatalogue(bytes32 root, uint64 products, bytes32 metadataHash)
        external
        restricted
        whenNotPaused
        returns (uint64 catalogueId)
    {
        if (root == bytes32(0) || products == 0 || metadataHash == bytes32(0)) revert EPurchasingInvalidCatalogue();
        catalogueId = ++_current;
        _catalogues[catalogueId] = Catalogue({
            root: root,
            products: products,
            metadataHash: metadataHash,
            publishedAt: uint40(block.timestamp),
            publisher: msg.sender
        });
        emit CataloguePublished(catalogueId, root, products, metadataHash, msg.sender);
    }

    /// @inheritdoc IEPurchasing
    function placeOrder(Order calldata order, bytes32[] calldata proof)
        external
        restricted
        whenNotPaused
        returns (bytes32 tenderId)
    {
        _agencies.requireOfficerOf(msg.sender, order.agencyId);
        // Separation of duties, whatever the grants: whoever the hub lets publish a catalogue (at once
        // or after a delay) may not order, or one key could list a product at its price and buy it.
        (bool immediate, uint32 delay) =
            IAccessManager(authority()).canCall(msg.sender, address(this), this.publishCatalogue.selector);
        if (immediate || delay != 0) revert EPurchasingPublisherCannotOrder(msg.sender);
        uint64 current = _current;
        if (current == 0) revert EPurchasingNoCatalogue();
        if (order.catalogueId != current) revert EPurchasingStaleCatalogue(order.catalogueId, current);
        if (order.quantity == 0) revert EPurchasingZeroQuantity();
        if (!MerkleProof.verifyCalldata(proof, _catalogues[current].root, productLeaf(order))) {
            revert EPurchasingInvalidProof(order.catalogueId, order.productId);
        }
        uint256 value = uint256(order.unitPrice) * order.quantity;
        if (value > type(uint80).max) revert EPurchasingValueTooLarge(value); // what an escrow holds
        // Verified and not blacklisted now (reverts otherwise), through the provider's current key.
        if (_suppliers.isBlacklistedAt(order.supplierId, uint64(block.timestamp))) {
            revert EPurchasingSupplierBlacklisted(order.supplierId);
        }
        _suppliers.requireActiveSupplier(_suppliers.getSupplier(order.supplierId).account);

        tenderId = _tenders.recordPurchase(
            ITenders.Purchase({
                ocid: order.ocid,
                title: order.name,
                documentHash: order.documentHash,
                officer: msg.sender,
                agencyId: order.agencyId,
                category: order.category,
                supplierId: order.supplierId,
                value: uint96(value),
                tkdnBps: order.tkdnBps
            })
        );
        _emitOrder(tenderId, order, current, uint96(value));
    }

    /// @inheritdoc IEPurchasing
    function currentCatalogue() external view returns (uint64) {
        return _current;
    }

    /// @inheritdoc IEPurchasing
    function getCatalogue(uint64 catalogueId) external view returns (Catalogue memory) {
        return _catalogues[catalogueId];
    }

    function _emitOrder(bytes32 tenderId, Order calldata order, uint64 catalogueId, uint96 value) private {
        emit OrderPlaced(
            tenderId,
            order.agencyId,
            order.supplierId,
            msg.sender,
            catalogueId,
            order.productId,
            order.unitPrice,
            order.quantity,
            value,
            order.tkdnBps
        );
    }

    /// @inheritdoc IEPurchasing
    function productLeaf(Order calldata order) public pure returns (bytes32) {
        return keccak256(
            bytes.concat(
                keccak256(
                    abi.encode(
                        order.catalogueId,
                        order.productId,
                        order.supplierId,
                        order.unitPrice,
                        order.tkdnBps,
                        uint8(order.category),
                        keccak256(bytes(order.name))
                    )
                )
            )
        );
    }
}
