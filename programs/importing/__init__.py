"""Loading the official public files (IPEDS, CIP, DAPIP, College Scorecard, BLS) into the catalog."""
