// Licensed under the Apache License, Version 2.0. See LICENSE in the project root.
package io.elastisnap.engine.libvirt;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import io.elastisnap.engine.AgentCapabilities;
import io.elastisnap.engine.FreezeStatus;
import io.elastisnap.engine.GuestAgentException;
import io.elastisnap.engine.GuestAgentException.Kind;
import io.elastisnap.engine.GuestFileSystem;
import io.elastisnap.engine.PciAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** QEMU guest agent commands and replies as JSON ({@code {"return": ...}} or {@code {"error": {"class", "desc"}}}). */
final class AgentReplies {
    private static final int MAX_QUOTED_REPLY = 200;

    private AgentReplies() {
    }

    static String command(String name) {
        JsonObject command = new JsonObject();
        command.addProperty("execute", name);
        return command.toString();
    }

    static String freezeList(List<String> mountPoints) {
        JsonArray list = new JsonArray();
        mountPoints.forEach(list::add);
        JsonObject arguments = new JsonObject();
        arguments.add("mountpoints", list);
        JsonObject command = new JsonObject();
        command.addProperty("execute", AgentCapabilities.FREEZE_LIST);
        command.add("arguments", arguments);
        return command.toString();
    }

    /** The {@code return} member of a reply; an {@code error} reply becomes a classified exception. */
    static JsonElement returnValue(String command, String reply) throws GuestAgentException {
        if (reply == null) {
            throw new GuestAgentException(Kind.PROTOCOL, command + ": no reply from the guest agent");
        }
        JsonObject object;
        try {
            JsonElement parsed = JsonParser.parseString(reply);
            if (!parsed.isJsonObject()) {
                throw unexpected(command, reply);
            }
            object = parsed.getAsJsonObject();
        } catch (JsonParseException e) {
            throw unexpected(command, reply);
        }
        JsonElement error = object.get("error");
        if (error != null) {
            String errorClass = "";
            String description = error.toString();
            if (error.isJsonObject()) {
                errorClass = text(error.getAsJsonObject().get("class"));
                description = text(error.getAsJsonObject().get("desc"));
            }
            Kind kind = "CommandNotFound".equals(errorClass) ? Kind.COMMAND_UNSUPPORTED : LibvirtErrors.classifyAgentDescription(description);
            throw new GuestAgentException(kind == null ? Kind.COMMAND_FAILED : kind,
                    command + " failed in the guest agent: " + (errorClass.isEmpty() ? "" : errorClass + ": ") + description);
        }
        JsonElement value = object.get("return");
        if (value == null) {
            throw unexpected(command, reply);
        }
        return value;
    }

    static AgentCapabilities capabilities(String reply) throws GuestAgentException {
        String command = "guest-info";
        JsonElement value = returnValue(command, reply);
        if (!value.isJsonObject() || !value.getAsJsonObject().has("supported_commands")
                || !value.getAsJsonObject().get("supported_commands").isJsonArray()) {
            throw unexpected(command, reply);
        }
        JsonObject info = value.getAsJsonObject();
        Set<String> enabled = new HashSet<>();
        for (JsonElement element : info.getAsJsonArray("supported_commands")) {
            if (!element.isJsonObject()) {
                continue;
            }
            JsonObject entry = element.getAsJsonObject();
            JsonElement flag = entry.get("enabled");
            boolean isEnabled = flag != null && flag.isJsonPrimitive() && flag.getAsJsonPrimitive().isBoolean() && flag.getAsBoolean();
            String name = text(entry.get("name"));
            if (isEnabled && !name.isEmpty()) {
                enabled.add(name);
            }
        }
        return new AgentCapabilities(text(info.get("version")), enabled);
    }

    static FreezeStatus freezeStatus(String reply) throws GuestAgentException {
        String command = AgentCapabilities.STATUS;
        JsonElement value = returnValue(command, reply);
        String status = value.isJsonPrimitive() && value.getAsJsonPrimitive().isString() ? value.getAsString() : "";
        switch (status) {
            case "thawed":
                return FreezeStatus.THAWED;
            case "frozen":
                return FreezeStatus.FROZEN;
            default:
                throw unexpected(command, reply);
        }
    }

    /** The file-system count that freeze, freeze-list and thaw return. */
    static int count(String command, String reply) throws GuestAgentException {
        JsonElement value = returnValue(command, reply);
        if (value.isJsonPrimitive() && value.getAsJsonPrimitive().isNumber()) {
            try {
                return value.getAsBigDecimal().intValueExact();
            } catch (ArithmeticException | NumberFormatException e) {
                throw unexpected(command, reply);
            }
        }
        throw unexpected(command, reply);
    }

    /**
     * {@code guest-get-fsinfo}: each file system's mount point, type and disks. A disk entry without a usable PCI address
     * keeps what else it has; the freeze scope decides what that is worth.
     */
    static List<GuestFileSystem> fileSystems(String reply) throws GuestAgentException {
        String command = AgentCapabilities.FSINFO;
        JsonElement value = returnValue(command, reply);
        if (!value.isJsonArray()) {
            throw unexpected(command, reply);
        }
        List<GuestFileSystem> fileSystems = new ArrayList<>();
        for (JsonElement element : value.getAsJsonArray()) {
            if (!element.isJsonObject() || text(element.getAsJsonObject().get("mountpoint")).isEmpty()) {
                throw unexpected(command, reply);
            }
            JsonObject fs = element.getAsJsonObject();
            List<GuestFileSystem.Disk> disks = new ArrayList<>();
            JsonElement diskList = fs.get("disk");
            if (diskList != null && diskList.isJsonArray()) {
                for (JsonElement d : diskList.getAsJsonArray()) {
                    if (d.isJsonObject()) {
                        JsonObject disk = d.getAsJsonObject();
                        disks.add(new GuestFileSystem.Disk(text(disk.get("serial")), text(disk.get("bus-type")),
                                pciAddress(disk.get("pci-controller")), text(disk.get("dev"))));
                    }
                }
            }
            fileSystems.add(new GuestFileSystem(text(fs.get("mountpoint")), text(fs.get("type")), disks));
        }
        return fileSystems;
    }

    /** qemu-ga reports -1 members for a disk it found no PCI device for. */
    private static PciAddress pciAddress(JsonElement element) {
        if (element == null || !element.isJsonObject()) {
            return null;
        }
        JsonObject pci = element.getAsJsonObject();
        int[] parts = new int[4];
        String[] names = {"domain", "bus", "slot", "function"};
        for (int i = 0; i < names.length; i++) {
            JsonElement part = pci.get(names[i]);
            if (part == null || !part.isJsonPrimitive() || !part.getAsJsonPrimitive().isNumber() || part.getAsInt() < 0) {
                return null;
            }
            parts[i] = part.getAsInt();
        }
        return new PciAddress(parts[0], parts[1], parts[2], parts[3]);
    }

    private static String text(JsonElement element) {
        return element != null && element.isJsonPrimitive() ? element.getAsString() : "";
    }

    private static GuestAgentException unexpected(String command, String reply) {
        String quoted = reply.length() > MAX_QUOTED_REPLY ? reply.substring(0, MAX_QUOTED_REPLY) + "..." : reply;
        return new GuestAgentException(Kind.PROTOCOL, command + ": unexpected reply from the guest agent: " + quoted);
    }
}
