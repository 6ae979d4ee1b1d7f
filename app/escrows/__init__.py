"""Milestone escrows (kontrak termin): from the award to attested, approved and paid milestones."""
