package org.securemail.provisioning.api;

import java.util.UUID;

import org.securemail.provisioning.config.ProvisioningConfig;
import org.securemail.provisioning.error.ApiProblem;

/**
 * {@code ?limit=&cursor=} of a list endpoint ordered by id: the cursor is the id of the last item of the previous
 * page.
 */
public record PageRequest(int limit, UUID after) {

    public static PageRequest of(Integer limit, String cursor, ProvisioningConfig config) {
        int size = limit == null ? config.defaultPageSize() : limit;
        if (size < 1 || size > config.maxPageSize()) {
            throw ApiProblem.badRequest("limit must be between 1 and " + config.maxPageSize());
        }
        UUID after = null;
        if (cursor != null && !cursor.isBlank()) {
            try {
                after = UUID.fromString(cursor);
            } catch (IllegalArgumentException e) {
                throw ApiProblem.badRequest("cursor is not one this API returned");
            }
        }
        return new PageRequest(size, after);
    }

    /** Rows to fetch: one more than shown, to know whether a next page exists. */
    public int fetch() {
        return limit + 1;
    }
}
