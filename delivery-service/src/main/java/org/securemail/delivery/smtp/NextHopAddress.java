package org.securemail.delivery.smtp;

import org.securemail.common.provisioning.TlsPolicy;

/**
 * One address to try for a destination.
 *
 * @param hostName the MX or route host name (used for TLS certificate checks and in reports)
 * @param ip       the address to connect to
 * @param port     TCP port
 * @param tls      TLS policy for this hop
 */
public record NextHopAddress(String hostName, String ip, int port, TlsPolicy tls) {

    /** Postfix-style {@code host[ip]:port}. */
    public String display() {
        return hostName + "[" + ip + "]:" + port;
    }
}
