"""Vocabularies: the words of one concept (pagination, corrections) that every reader shares."""
