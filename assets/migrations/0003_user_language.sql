-- A coordinator's own interface language for `albergue serve` (NULL: the
-- language their ssh client sends, else English).
ALTER TABLE coordinator ADD COLUMN lang TEXT CHECK (lang IS NULL OR lang IN ('en', 'es'));
