/**
 * IP addresses as the inspection checks see them, shared by {@code spf} and {@code dnsbl}: strict literal parsing that
 * never asks DNS ({@link org.securemail.ingest.inspect.net.IpLiterals}) and the address value with its reverse-lookup
 * names and RFC 5952 readable form ({@link org.securemail.ingest.inspect.net.IpAddress}).
 */
package org.securemail.ingest.inspect.net;
