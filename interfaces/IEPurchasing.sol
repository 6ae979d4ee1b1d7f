// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ITenders} from "./ITenders.sol";

/// @title E-Purchasing from the national electronic catalogue (e-Katalog)
/// @notice LKPP publishes each catalogue snapshot as the Merkle root of its products; an agency
/// officer then orders a listed product from its provider with the product's proof, so the price
/// and the TKDN of an order are the catalogue's, never typed by the officer. An order is recorded in
/// Tenders as a tender already awarded (method EPurchasing): the escrow and payments follow as for
/// any award.
///
/// A product leaf is `keccak256(bytes.concat(keccak256(abi.encode(catalogueId, productId,
/// supplierId, unitPrice, tkdnBps, category, keccak256(bytes(name))))))` (catalogueId uint64,
/// productId bytes32, supplierId uint64, unitPrice uint96, tkdnBps uint16, category uint8), the
/// OpenZeppelin standard Merkle tree's leaf; pairs are hashed in sorted order (MerkleProof). Only the
/// catalogue in force (the latest published) takes orders.
interface IEPurchasing {
    /// @notice An order of `quantity` units of a catalogue product, with the product's listing.
    struct Order {
        string ocid; // OCDS id of the order's process; its tender id is keccak256(bytes(ocid))
        uint32 agencyId; // the ordering agency (the caller must be its officer)
        uint64 catalogueId; // the catalogue in force
        bytes32 productId; // the product's id in the catalogue
        uint64 supplierId; // its provider (SupplierRegistry)
        uint96 unitPrice; // catalogue price per unit (rupiah), the ceiling
        uint16 tkdnBps; // the product's TKDN (basis points)
        ITenders.Category category;
        uint32 quantity;
        string name; // the product's name in the catalogue
        bytes32 documentHash; // hash of the order document (surat pesanan)
    }

    /// @notice A published catalogue snapshot.
    struct Catalogue {
        bytes32 root;
        uint64 products;
        bytes32 metadataHash; // hash of the snapshot file as published
        uint40 publishedAt;
        address publisher;
    }

    /// @notice LKPP published catalogue `catalogueId`, which from now takes every order.
    event CataloguePublished(
        uint64 indexed catalogueId, bytes32 root, uint64 products, bytes32 metadataHash, address publisher
    );
    /// @notice `officer` ordered `quantity` units of `productId` from provider `supplierId` at the
    /// catalogue's unit price; the order is tender `tenderId`, awarded for `value`.
    event OrderPlaced(
        bytes32 indexed tenderId,
        uint32 indexed agencyId,
        uint64 indexed supplierId,
        address officer,
        uint64 catalogueId,
        bytes32 productId,
        uint96 unitPrice,
        uint32 quantity,
        uint96 value,
        uint16 tkdnBps
    );

    /// @notice A catalogue needs a root, at least one product and a metadata hash.
    error EPurchasingInvalidCatalogue();
    /// @notice No catalogue has been published yet.
    error EPurchasingNoCatalogue();
    /// @notice Orders are taken only against the catalogue in force.
    error EPurchasingStaleCatalogue(uint64 catalogueId, uint64 current);
    error EPurchasingZeroQuantity();
    /// @notice The listing does not prove against the catalogue (forged product, price, TKDN,
    /// provider, category or name).
    error EPurchasingInvalidProof(uint64 catalogueId, bytes32 productId);
    /// @notice The order's value (unit price x quantity) exceeds what a contract can hold.
    error EPurchasingValueTooLarge(uint256 value);
    /// @notice The provider is blacklisted now.
    error EPurchasingSupplierBlacklisted(uint64 supplierId);
    /// @notice `account` may publish catalogues (the hub lets it call publishCatalogue): it may not
    /// also order from them, or one key could list a product at its own price and buy it.
    error EPurchasingPublisherCannotOrder(address account);

    /// @notice Publishes a catalogue snapshot's Merkle root (LKPP catalogue role); it replaces the
    /// one in force. Returns its id (1, 2, ...).
    function publishCatalogue(bytes32 root, uint64 products, bytes32 metadataHash) external returns (uint64 catalogueId);

    /// @notice Places an order (an officer of `order.agencyId`, who may not publish catalogues) with
    /// the product's Merkle proof; the provider must be verified and not blacklisted. Returns the
    /// order's tender id.
    function placeOrder(Order calldata order, bytes32[] calldata proof) external returns (bytes32 tenderId);

    /// @notice The catalogue in force (0 before the first).
    function currentCatalogue() external view returns (uint64);

    function getCatalogue(uint64 catalogueId) external view returns (Catalogue memory);

    /// @notice The leaf of a listing, as the catalogue's tree holds it.
    function productLeaf(Order calldata order) external pure returns (bytes32);
}
