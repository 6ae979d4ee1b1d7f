"""Tenders: announcement, addenda, sealed bids (relayed or managed), openings, evaluation, sanggah, award."""
