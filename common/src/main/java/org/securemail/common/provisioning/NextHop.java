package org.securemail.common.provisioning;

/** One next hop of an inbound relay route. Lower preference is tried first, as with MX. */
public record NextHop(String host, int port, int preference, TlsPolicy tls) {
}
