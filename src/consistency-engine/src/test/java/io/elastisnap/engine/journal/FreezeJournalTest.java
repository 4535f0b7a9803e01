// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.engine.journal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

public class FreezeJournalTest {
    @Rule
    public final TemporaryFolder folder = new TemporaryFolder();

    private JournalEntry entry(String domain, String session) {
        return new JournalEntry(domain, session, JournalOwner.current(), "kvm-host-1",
                Instant.parse("2024-05-01T10:15:30.123Z"), Duration.ofSeconds(8), Arrays.asList("/", "/data"));
    }

    @Test
    public void recordsReadsAndRemovesAnEntry() throws IOException {
        FreezeJournal journal = new FreezeJournal(folder.getRoot().toPath().resolve("journal"));
        JournalEntry entry = entry("i-2-10-VM", "s1");

        journal.record(entry);

        assertEquals(entry, journal.read("i-2-10-VM").orElseThrow(AssertionError::new));
        assertTrue(Files.exists(journal.directory().resolve("i-2-10-VM.json")));
        assertEquals(EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE),
                Files.getPosixFilePermissions(journal.directory()));
        assertTrue(journal.remove("i-2-10-VM", "s1"));
        assertFalse(journal.read("i-2-10-VM").isPresent());
        assertTrue(journal.list().isEmpty());
    }

    @Test
    public void theFileIsPlainJsonForPeople() throws IOException {
        FreezeJournal journal = new FreezeJournal(folder.getRoot().toPath());
        journal.record(entry("vm", "s1"));

        String text = new String(Files.readAllBytes(journal.directory().resolve("vm.json")), StandardCharsets.UTF_8);

        assertTrue(text, text.startsWith("{\"format\":1,\"domain\":\"vm\",\"session\":\"s1\",\"ownerPid\":"));
        assertTrue(text, text.contains("\"freezeStartedAt\":\"2024-05-01T10:15:30.123Z\",\"maxFrozenWindowMs\":8000,\"mountPoints\":[\"/\",\"/data\"]"));
    }

    @Test
    public void removeOnlyRemovesTheEntryOfTheSameSession() throws IOException {
        FreezeJournal journal = new FreezeJournal(folder.getRoot().toPath());
        journal.record(entry("vm", "old"));
        journal.record(entry("vm", "new"));

        assertFalse(journal.remove("vm", "old"));
        assertEquals("new", journal.read("vm").get().sessionId());
        assertTrue(journal.remove("vm", "new"));
        assertFalse(journal.remove("vm", "new"));
    }

    @Test
    public void writesAreAtomicReplacementsThatLeaveNoTemporaryFile() throws IOException {
        FreezeJournal journal = new FreezeJournal(folder.getRoot().toPath());
        for (int i = 0; i < 20; i++) {
            journal.record(entry("vm", "s" + i));
        }

        try (Stream<Path> files = Files.list(journal.directory())) {
            assertEquals(Collections.singletonList("vm.json"),
                    files.map(p -> p.getFileName().toString()).collect(Collectors.toList()));
        }
        assertEquals("s19", journal.read("vm").get().sessionId());
    }

    @Test
    public void aTemporaryFileOfAWriterThatDiedNeverCountsAsAnEntryAndIsCleanedUpWhenOld() throws IOException {
        FreezeJournal journal = new FreezeJournal(folder.getRoot().toPath());
        Path fresh = Files.write(folder.getRoot().toPath().resolve(".tmp-fresh"), "{\"format\":1,\"dom".getBytes(StandardCharsets.UTF_8));
        Path old = Files.write(folder.getRoot().toPath().resolve(".tmp-old"), "{".getBytes(StandardCharsets.UTF_8));
        Files.setLastModifiedTime(old, FileTime.from(Instant.now().minus(1, ChronoUnit.HOURS)));

        assertTrue(journal.list().isEmpty());
        assertTrue(Files.exists(fresh));
        assertFalse(Files.exists(old));
    }

    @Test
    public void domainNamesAreEncodedIntoSafeFileNames() throws IOException {
        FreezeJournal journal = new FreezeJournal(folder.getRoot().toPath());
        List<String> names = Arrays.asList("i-2-10-VM", ".hidden", "../escape", "with space/and%", "größe", "a.b_c-d");
        for (String name : names) {
            journal.record(entry(name, "s"));
        }

        List<JournalRecord> records = journal.list();

        assertEquals(names.stream().sorted().collect(Collectors.toList()),
                records.stream().map(JournalRecord::domainName).collect(Collectors.toList()));
        for (JournalRecord record : records) {
            assertEquals(journal.directory(), record.file().getParent());
            assertTrue(record.namesDomain());
            assertEquals(record.domainName(), record.entry().get().domainName());
        }
        assertEquals("%2Ehidden", FreezeJournal.encode(".hidden"));
        assertEquals("%2E.%2Fescape", FreezeJournal.encode("../escape"));
        assertEquals("gr%C3%B6%C3%9Fe", FreezeJournal.encode("größe"));
        assertNull(FreezeJournal.decode("%2"));
        assertNull(FreezeJournal.decode("%zz"));
        assertNull("not the canonical encoding", FreezeJournal.decode("%41"));
    }

    @Test
    public void aCorruptFileIsReportedWithTheDomainItsNameStillGives() throws IOException {
        FreezeJournal journal = new FreezeJournal(folder.getRoot().toPath());
        Files.write(journal.directory().resolve("i-2-10-VM.json"), "{\"format\":1,\"domain\":\"i-2-".getBytes(StandardCharsets.UTF_8));
        Files.write(journal.directory().resolve("other.json"), "{\"format\":1,\"domain\":\"not-other\"}".getBytes(StandardCharsets.UTF_8));
        Files.write(journal.directory().resolve("%zz.json"), "{}".getBytes(StandardCharsets.UTF_8));
        Files.write(journal.directory().resolve("README"), "ignored".getBytes(StandardCharsets.UTF_8));

        try {
            journal.read("i-2-10-VM");
            fail("expected a corrupt-entry error");
        } catch (JournalCorruptException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("i-2-10-VM.json"));
        }
        List<JournalRecord> records = journal.list();

        assertEquals(3, records.size());
        JournalRecord undecodable = records.get(0);
        assertEquals("%zz.json", undecodable.domainName());
        assertFalse(undecodable.namesDomain());
        JournalRecord truncated = records.get(1);
        assertEquals("i-2-10-VM", truncated.domainName());
        assertTrue(truncated.namesDomain());
        assertFalse(truncated.entry().isPresent());
        assertTrue(truncated.problem().get(), truncated.problem().get().contains("unreadable entry"));
        assertTrue(records.get(2).problem().get(), records.get(2).problem().get().contains("names domain 'not-other'"));

        Path moved = journal.quarantine(undecodable);
        assertTrue(Files.exists(moved));
        assertTrue(moved.getFileName().toString().startsWith("%zz.json.corrupt-"));
        assertEquals(2, journal.list().size());
        journal.removeAny("i-2-10-VM");
        assertEquals(1, journal.list().size());
    }

    @Test
    public void anEntryOfAnUnknownFormatIsCorrupt() throws IOException {
        FreezeJournal journal = new FreezeJournal(folder.getRoot().toPath());
        Files.write(journal.directory().resolve("vm.json"), "{\"format\":2,\"domain\":\"vm\"}".getBytes(StandardCharsets.UTF_8));

        assertTrue(journal.list().get(0).problem().get().contains("unknown format 2"));
    }

    @Test
    public void aJournalWithoutDirectoryIsEmpty() throws IOException {
        FreezeJournal journal = new FreezeJournal(folder.getRoot().toPath().resolve("never-created"));

        assertTrue(journal.list().isEmpty());
        assertFalse(journal.read("vm").isPresent());
        assertFalse(journal.remove("vm", "s"));
    }

    @Test
    public void ownerLiveness() throws Exception {
        assertTrue(JournalOwner.current().isAlive());
        assertFalse("same pid, other start time: the pid was reused",
                JournalOwner.of(ProcessHandle.current().pid(), Instant.EPOCH).isAlive());

        Process exited = new ProcessBuilder("true").start();
        JournalOwner gone = JournalOwner.of(exited.pid(), exited.info().startInstant().orElse(null));
        assertEquals(0, exited.waitFor());
        assertFalse(gone.isAlive());
    }
}
