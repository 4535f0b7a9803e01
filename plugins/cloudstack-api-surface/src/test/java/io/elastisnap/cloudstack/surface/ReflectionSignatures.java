// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cloudstack.surface;

import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/** Describes a compiled surface class in the same record format the source extractor writes. */
final class ReflectionSignatures {
    private ReflectionSignatures() {
    }

    static List<SignatureRecord> describe(Class<?> type) {
        List<SignatureRecord> records = new ArrayList<>();
        String owner = type.getName();
        records.add(new SignatureRecord(SignatureRecord.TYPE, owner, "type", kind(type) + " " + typeModifiers(type)));
        if (type.isEnum()) {
            for (Object constant : type.getEnumConstants()) {
                records.add(new SignatureRecord(SignatureRecord.ENUM_CONSTANT, owner, ((Enum<?>) constant).name(), ""));
            }
        }
        for (Method m : type.getDeclaredMethods()) {
            if (m.isSynthetic() || !visible(m.getModifiers()) || isImplicitEnumMethod(type, m)) {
                continue;
            }
            String key = m.getName() + "(" + params(m.getParameterTypes()) + ")" + name(m.getReturnType());
            records.add(new SignatureRecord(SignatureRecord.METHOD, owner, key, methodModifiers(type, m)));
        }
        if (!type.isInterface() && !type.isEnum()) {
            for (Constructor<?> c : type.getDeclaredConstructors()) {
                if (!c.isSynthetic() && visible(c.getModifiers())) {
                    records.add(new SignatureRecord(SignatureRecord.CONSTRUCTOR, owner, "(" + params(c.getParameterTypes()) + ")",
                            Modifier.isProtected(c.getModifiers()) ? "protected" : "public"));
                }
            }
        }
        for (Field f : type.getDeclaredFields()) {
            if (f.isSynthetic() || f.isEnumConstant() || !visible(f.getModifiers())) {
                continue;
            }
            records.add(new SignatureRecord(SignatureRecord.FIELD, owner, f.getName(),
                    name(f.getType()) + "|" + fieldModifiers(f) + "|" + constantValue(f)));
        }
        return records;
    }

    static String kind(Class<?> type) {
        if (type.isAnnotation()) {
            return "annotation";
        }
        if (type.isInterface()) {
            return "interface";
        }
        if (type.isEnum()) {
            return "enum";
        }
        return Modifier.isAbstract(type.getModifiers()) ? "abstract-class" : "class";
    }

    private static String typeModifiers(Class<?> type) {
        int mods = type.getModifiers();
        List<String> flags = new ArrayList<>();
        flags.add(Modifier.isPublic(mods) ? "public" : Modifier.isProtected(mods) ? "protected" : "package");
        boolean plainClass = !type.isInterface() && !type.isEnum();
        if (plainClass && Modifier.isFinal(mods)) {
            flags.add("final");
        }
        if (plainClass && type.getEnclosingClass() != null && Modifier.isStatic(mods)) {
            flags.add("static");
        }
        return String.join(" ", flags);
    }

    private static String methodModifiers(Class<?> owner, Method m) {
        int mods = m.getModifiers();
        List<String> flags = new ArrayList<>();
        flags.add(Modifier.isProtected(mods) ? "protected" : "public");
        if (Modifier.isStatic(mods)) {
            flags.add("static");
        } else if (m.isDefault()) {
            flags.add("default");
        } else if (Modifier.isAbstract(mods)) {
            flags.add("abstract");
        }
        if (Modifier.isFinal(mods) && !owner.isEnum()) {
            flags.add("final");
        }
        return String.join(" ", flags);
    }

    private static String fieldModifiers(Field f) {
        int mods = f.getModifiers();
        List<String> flags = new ArrayList<>();
        flags.add(Modifier.isProtected(mods) ? "protected" : "public");
        if (Modifier.isStatic(mods)) {
            flags.add("static");
        }
        if (Modifier.isFinal(mods)) {
            flags.add("final");
        }
        if (Modifier.isTransient(mods)) {
            flags.add("transient");
        }
        return String.join(" ", flags);
    }

    private static String constantValue(Field f) {
        int mods = f.getModifiers();
        boolean literalType = f.getType().isPrimitive() || f.getType() == String.class;
        if (!Modifier.isStatic(mods) || !Modifier.isFinal(mods) || !literalType) {
            return SignatureRecord.NOT_CONSTANT;
        }
        try {
            f.setAccessible(true);
            return SourceSignatureExtractor.encode(String.valueOf(f.get(null)));
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }

    private static boolean visible(int mods) {
        return Modifier.isPublic(mods) || Modifier.isProtected(mods);
    }

    private static boolean isImplicitEnumMethod(Class<?> type, Method m) {
        return type.isEnum() && ((m.getName().equals("values") && m.getParameterCount() == 0)
                || (m.getName().equals("valueOf") && Arrays.equals(m.getParameterTypes(), new Class<?>[] {String.class})));
    }

    private static String params(Class<?>[] types) {
        return Arrays.stream(types).map(ReflectionSignatures::name).collect(Collectors.joining(","));
    }

    static String name(Class<?> type) {
        return type.isArray() ? name(type.getComponentType()) + "[]" : type.getName();
    }
}
