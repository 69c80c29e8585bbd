"""What is required and what is issued: requirement sets, readiness, certificates, verification."""
