package org.securemail.provisioning.suppression;

import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which bounces put the recipient on the tenant's suppression list (ADR 0075): only a next hop's permanent reply
 * about the recipient's mailbox or address. A remote host must have answered, its reply must be {@code 5xx} with an
 * RFC 3463 enhanced code of the address class {@code 5.1.x} (bad mailbox 5.1.1, bad system 5.1.2, bad syntax 5.1.3,
 * moved 5.1.6, null MX 5.1.10) or {@code 5.2.1} (mailbox disabled). Not counted: the policy and content refusals of
 * {@code 5.7.x} and {@code 5.3.x}, a full mailbox ({@code 5.2.2}), sender problems ({@code 5.1.7}, {@code 5.1.8}),
 * replies without an enhanced code, and the bounces delivery makes itself (no route, null MX or NXDOMAIN from DNS,
 * loops, expiry): a wrong suppression silently loses a tenant's mail for good, a missed one costs one more bounce.
 */
public final class HardBounces {

    private static final Pattern REPLY = Pattern.compile("^5\\d\\d[ -](5\\.\\d{1,3}\\.\\d{1,3})(?![.\\d])");
    private static final Set<String> ADDRESS_CODES = Set.of("5.1.1", "5.1.2", "5.1.3", "5.1.6", "5.1.10", "5.2.1");

    private HardBounces() {
    }

    /** True for a bounce that suppresses its recipient; {@code remoteHost} is null when no next hop answered. */
    public static boolean suppresses(String remoteHost, String reply) {
        if (remoteHost == null || remoteHost.isBlank() || reply == null) {
            return false;
        }
        Matcher m = REPLY.matcher(reply.trim());
        return m.find() && ADDRESS_CODES.contains(m.group(1));
    }
}
