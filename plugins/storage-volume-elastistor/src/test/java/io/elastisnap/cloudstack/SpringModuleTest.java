// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cloudstack;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import java.io.InputStream;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.stream.Collectors;

import javax.inject.Inject;
import javax.xml.parsers.DocumentBuilderFactory;

import org.apache.cloudstack.engine.subsystem.api.storage.DataStoreProvider;
import org.apache.cloudstack.engine.subsystem.api.storage.SnapshotStrategy;
import org.apache.cloudstack.engine.subsystem.api.storage.VMSnapshotStrategy;
import org.apache.cloudstack.framework.config.Configurable;
import org.junit.Test;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * The Spring module as CloudStack loads it: module.properties naming its own directory under the storage module, and a
 * context whose beans exist, can be created, and autowire each other unambiguously by type.
 */
public class SpringModuleTest {
    private static final String MODULE = "META-INF/cloudstack/storage-volume-elastistor/";

    private static List<Class<?>> beans() throws Exception {
        List<Class<?>> beans = new ArrayList<>();
        try (InputStream xml = SpringModuleTest.class.getClassLoader().getResourceAsStream(MODULE
                + "spring-storage-volume-elastistor-context.xml")) {
            assertNotNull("the module's context XML", xml);
            NodeList nodes = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(xml).getElementsByTagName("bean");
            for (int i = 0; i < nodes.getLength(); i++) {
                Element bean = (Element) nodes.item(i);
                Class<?> type = Class.forName(bean.getAttribute("class"));
                for (String method : new String[] {bean.getAttribute("init-method"), bean.getAttribute("destroy-method")}) {
                    if (!method.isEmpty()) {
                        assertNotNull(type.getMethod(method));
                    }
                }
                beans.add(type);
            }
        }
        return beans;
    }

    @Test
    public void modulePropertiesNameItsDirectoryUnderTheStorageModule() throws Exception {
        Properties properties = new Properties();
        try (InputStream in = getClass().getClassLoader().getResourceAsStream(MODULE + "module.properties")) {
            properties.load(in);
        }
        assertEquals("storage-volume-elastistor", properties.getProperty("name"));
        assertEquals("storage", properties.getProperty("parent"));
    }

    @Test
    public void everyBeanCanBeCreatedAndTheRegistriesFindProviderStrategiesAndSettings() throws Exception {
        List<Class<?>> beans = beans();
        for (Class<?> type : beans) {
            assertTrue(type + " needs a public no-arg constructor", Modifier.isPublic(type.getConstructor().getModifiers()));
        }
        List<Class<?>> providers = beans.stream().filter(DataStoreProvider.class::isAssignableFrom).collect(Collectors.toList());
        assertEquals(1, providers.size());
        assertEquals("ElastiStor", ((DataStoreProvider) providers.get(0).getConstructor().newInstance()).getName());
        // the managed pools' strategy and the adopted SharedMountPoint/NFS pools' one, each claiming only its own pools
        assertEquals(2, beans.stream().filter(SnapshotStrategy.class::isAssignableFrom).count());
        assertEquals(2, beans.stream().filter(VMSnapshotStrategy.class::isAssignableFrom).count());
        assertEquals(1, beans.stream().filter(Configurable.class::isAssignableFrom).count());
    }

    @Test
    public void everyPluginTypedInjectionPointHasExactlyOneBean() throws Exception {
        List<Class<?>> beans = beans();
        List<String> problems = new ArrayList<>();
        for (Class<?> bean : beans) {
            for (Field field : bean.getDeclaredFields()) {
                if (field.isAnnotationPresent(Inject.class) && field.getType().getName().startsWith("io.elastisnap.")) {
                    long candidates = beans.stream().filter(field.getType()::isAssignableFrom).count();
                    if (candidates != 1) {
                        problems.add(bean.getSimpleName() + "." + field.getName() + ": " + candidates + " beans of " + field.getType());
                    }
                }
            }
        }
        assertTrue(String.join("\n", problems), problems.isEmpty());
    }
}
