package org.securemail.provisioning.auth;

import jakarta.enterprise.context.RequestScoped;

/** Holds the {@link Caller} that {@link ApiKeyFilter} authenticated for the current request. */
@RequestScoped
public class CurrentCaller {

    private Caller caller;

    void set(Caller caller) {
        this.caller = caller;
    }

    public Caller get() {
        if (caller == null) {
            throw new IllegalStateException("no authenticated caller on this request");
        }
        return caller;
    }
}
