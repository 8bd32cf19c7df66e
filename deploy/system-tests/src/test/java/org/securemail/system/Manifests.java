package org.securemail.system;

/** Reads the Kubernetes manifests of {@code deploy/k8s} as text, for the tests that check them. */
final class Manifests {

    private Manifests() {
    }

    /** The document of {@code yaml} (a multi-document file) with this kind and name. */
    static String document(String yaml, String kind, String name) {
        for (String doc : yaml.split("(?m)^---\\s*$")) {
            // the object's own name: "  name:" at the start of a line (metadata), not a deeper "name:" (an ACL's)
            if (doc.contains("kind: " + kind + "\n") && ("\n" + doc).contains("\n  name: " + name + "\n")) {
                return doc;
            }
        }
        throw new AssertionError("no " + kind + " " + name);
    }
}
