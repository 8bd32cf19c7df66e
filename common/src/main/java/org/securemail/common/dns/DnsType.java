package org.securemail.common.dns;

/** The record types the DNS service resolves. */
public enum DnsType {
    A, AAAA, MX, TXT, PTR, CNAME, NS, SOA, TLSA
}
