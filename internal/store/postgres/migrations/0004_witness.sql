-- Checkpoints that outside witnesses cosigned. note is the checkpoint as the deployment
-- signed it followed by the witness's signature lines: the evidence, on its own, of what
-- the witness saw. Every cosignature is kept; a witness's latest is its highest size,
-- and the consistency proof of the next send starts there.
CREATE TABLE witness_cosignatures (
	production TEXT NOT NULL,
	witness    TEXT NOT NULL,
	size       BIGINT NOT NULL,
	note       BYTEA NOT NULL,
	PRIMARY KEY (production, witness, size)
);
