package org.securemail.provisioning.api;

import java.net.URI;

import org.jboss.resteasy.reactive.RestResponse;

/** 201 Created with a Location header and the new resource as body. */
public final class Created {

    private Created() {
    }

    public static <T> RestResponse<T> at(String location, T entity) {
        return RestResponse.ResponseBuilder.<T>created(URI.create(location)).entity(entity).build();
    }
}
