// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cloudstack.testsupport;

import java.lang.reflect.Field;

import javax.inject.Inject;

/** Fills a bean's @Inject fields from the given collaborators by type, as Spring does in the module context. */
public final class Wiring {
    private Wiring() {
    }

    public static <T> T inject(T bean, Object... collaborators) {
        for (Class<?> type = bean.getClass(); type != Object.class; type = type.getSuperclass()) {
            for (Field field : type.getDeclaredFields()) {
                if (!field.isAnnotationPresent(Inject.class)) {
                    continue;
                }
                for (Object candidate : collaborators) {
                    if (candidate != null && field.getType().isInstance(candidate)) {
                        try {
                            field.setAccessible(true);
                            field.set(bean, candidate);
                        } catch (IllegalAccessException e) {
                            throw new AssertionError(e);
                        }
                        break;
                    }
                }
            }
        }
        return bean;
    }
}
