package io.gatehouse.token;

import io.gatehouse.core.DomainException;
import io.gatehouse.store.Jdbc;
import java.util.Arrays;
import java.util.List;

/**
 * Rotating the master key: every stored signing key, retired ones too, is opened with the current
 * master key and sealed again with the new one, in one transaction, so the database is under one key
 * or the other, never both. Running it again is safe: keys already sealed with the new key are left.
 */
public final class MasterKeyRotation {
    /** How many keys were sealed again, and how many already were under the new key. */
    public record Result(int resealed, int alreadyNew) {
    }

    private MasterKeyRotation() {
    }

    public static Result reseal(Jdbc jdbc, MasterKey from, MasterKey to) {
        return jdbc.inTransaction(c -> {
            List<String[]> rows = Jdbc.list(c, "SELECT kid, secret_enc FROM signing_keys ORDER BY kid FOR UPDATE",
                    rs -> new String[] {rs.getString("kid"), rs.getString("secret_enc")});
            int resealed = 0;
            int already = 0;
            for (String[] row : rows) {
                String kid = row[0];
                if (to.decryptOrNull(row[1], kid) != null) {
                    already++;
                    continue;
                }
                byte[] plain = from.decryptOrNull(row[1], kid);
                if (plain == null) {
                    throw DomainException.conflict("signing key " + kid + " opens with neither the current master key nor"
                            + " the new one: is this the data dir or database the key belongs to?");
                }
                try {
                    Jdbc.update(c, "UPDATE signing_keys SET secret_enc = ? WHERE kid = ?", to.encrypt(plain, kid), kid);
                } finally {
                    Arrays.fill(plain, (byte) 0);
                }
                resealed++;
            }
            return new Result(resealed, already);
        });
    }
}
