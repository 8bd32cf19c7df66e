package org.securemail.dns.listener;

import java.util.Locale;

/** How a query reached the listener. */
enum Transport {
    UDP, TCP;

    String tag() {
        return name().toLowerCase(Locale.ROOT);
    }
}
