"""Operations: backups and restores of the embedded database."""
