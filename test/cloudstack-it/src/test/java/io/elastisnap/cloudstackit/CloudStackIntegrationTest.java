// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.cloudstackit;

import org.junit.runner.RunWith;
import org.junit.runners.Suite;

/** The suite's one entry point: scenarios in this order, the key audit of the whole run last. */
@RunWith(Suite.class)
@Suite.SuiteClasses({PoolScenarios.class, SnapshotScenarios.class, ApiCommandScenarios.class, KeyAuditScenario.class})
public class CloudStackIntegrationTest {
}
