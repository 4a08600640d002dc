package dev.facet.primary;

import dev.facet.core.error.TooManyAttempts;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Slows password and token guessing down, for every way credentials reach Facet (REST, Git, the
 * sign-in form, a mirror's delegated checks). Wrong credentials are counted three ways: for an
 * account from one client address, for a client address whatever the account, and for an account
 * from anywhere. Past a few free failures each further failure opens a back-off window that
 * doubles (capped); while a window is open the attempt is answered "try again later" before the
 * password is even looked at, so guessing gains nothing by hurrying. Nobody is locked out for
 * good: a window is short, a client that waits it out is heard again, and an address that signed
 * in to an account lately is held back only by its own failures for that account, so neither a
 * guesser elsewhere nor one behind the same address (a shared proxy) shuts the owner out. Counts
 * are forgotten after a quiet spell, and kept in memory only.
 */
final class CredentialThrottle {
    /** How each count turns into back-off. */
    record Policy(int freeFailures, Duration firstDelay, Duration maxDelay) {
        Policy {
            if (freeFailures < 1 || firstDelay.isNegative() || firstDelay.isZero() || maxDelay.compareTo(firstDelay) < 0) {
                throw new IllegalArgumentException("A throttle policy needs free failures, and 0 < first delay <= max delay.");
            }
        }

        Duration delayAfter(int failures) {
            if (failures < freeFailures) {
                return Duration.ZERO;
            }
            int doublings = Math.min(30, failures - freeFailures);
            long millis = firstDelay.toMillis() << doublings;
            return millis <= 0 || millis > maxDelay.toMillis() ? maxDelay : Duration.ofMillis(millis);
        }
    }

    /** A client that guesses one account: a few typos are free, then it waits. */
    static final Policy ACCOUNT_FROM_ADDRESS = new Policy(5, Duration.ofSeconds(2), Duration.ofMinutes(1));
    /** A client that tries many accounts (it may be a proxy many users share, so more is free). */
    static final Policy ADDRESS = new Policy(20, Duration.ofSeconds(2), Duration.ofMinutes(1));
    /** One account guessed from many addresses. */
    static final Policy ACCOUNT = new Policy(20, Duration.ofSeconds(2), Duration.ofMinutes(1));
    /** A count with no new failure for this long starts again from zero. */
    static final Duration FORGET_AFTER = Duration.ofMinutes(15);
    /** How long an address that signed in to an account stays exempt from that account's count. */
    static final Duration KNOWN_ADDRESS_FOR = Duration.ofDays(1);
    private static final int KNOWN_ADDRESSES_PER_ACCOUNT = 8;
    private static final int MAX_TRACKED = 100_000;

    private final Clock clock;
    private final Map<String, Count> counts = new ConcurrentHashMap<>();
    private final Map<String, Deque<Known>> knownAddresses = new ConcurrentHashMap<>();

    private record Count(int failures, Instant lastFailure, Instant openUntil) {
    }

    private record Known(String address, Instant at) {
    }

    CredentialThrottle(Clock clock) {
        this.clock = clock;
    }

    /**
     * Refuses the attempt while a back-off window is open for it.
     *
     * @param account the user name the credentials are for, or null (a bearer token names none)
     * @param address the client's address, as the server or the mirror in front of it saw it
     * @throws TooManyAttempts with the time left in the longest open window
     */
    void beforeAttempt(String account, String address) {
        Instant now = clock.instant();
        Duration wait = Duration.ZERO;
        for (String key : keys(account, address, now)) {
            Count count = counts.get(key);
            if (count != null && count.openUntil().isAfter(now)) {
                Duration left = Duration.between(now, count.openUntil());
                wait = left.compareTo(wait) > 0 ? left : wait;
            }
        }
        if (!wait.isZero()) {
            throw new TooManyAttempts(wait);
        }
    }

    /**
     * Makes room by forgetting the counts nobody added to for longest. Never all at once: a flood of
     * new names or addresses must not wipe the windows open for the accounts being guessed.
     */
    private void forgetOldest(Instant now) {
        counts.values().removeIf(count -> count.lastFailure().plus(FORGET_AFTER).isBefore(now));
        int excess = counts.size() - MAX_TRACKED * 9 / 10;
        if (excess > 0) {
            counts.entrySet().stream()
                    .sorted(Comparator.comparing(entry -> entry.getValue().lastFailure()))
                    .limit(excess)
                    .map(Map.Entry::getKey)
                    .toList()
                    .forEach(counts::remove);
        }
    }

    void failed(String account, String address) {
        Instant now = clock.instant();
        if (counts.size() >= MAX_TRACKED) {
            forgetOldest(now);
        }
        for (String key : keys(account, address, now)) {
            Policy policy = policy(key);
            counts.compute(key, (k, current) -> {
                int failures = current == null || current.lastFailure().plus(FORGET_AFTER).isBefore(now)
                        ? 1 : current.failures() + 1;
                return new Count(failures, now, now.plus(policy.delayAfter(failures)));
            });
        }
    }

    /** The client proved the credentials: its own count for the account starts again, and its address is known. */
    void succeeded(String account, String address) {
        if (account == null) {
            return;
        }
        Instant now = clock.instant();
        counts.remove(accountFromAddress(account, address));
        if (knownAddresses.size() >= MAX_TRACKED) {
            knownAddresses.clear();
        }
        knownAddresses.compute(normalize(account), (k, known) -> {
            Deque<Known> updated = known == null ? new ArrayDeque<>() : new ArrayDeque<>(known);
            updated.removeIf(entry -> entry.address().equals(address));
            updated.addFirst(new Known(address, now));
            while (updated.size() > KNOWN_ADDRESSES_PER_ACCOUNT) {
                updated.removeLast();
            }
            return updated;
        });
    }

    private List<String> keys(String account, String address, Instant now) {
        if (account == null) {
            return List.of(addressKey(address));
        }
        // Where the owner signed in lately, only the owner's own count from there holds: guesses at this account
        // from elsewhere, or at other accounts from here (a proxy many users share), do not shut the owner out.
        return isKnown(account, address, now)
                ? List.of(accountFromAddress(account, address))
                : List.of(accountFromAddress(account, address), addressKey(address), accountKey(account));
    }

    private boolean isKnown(String account, String address, Instant now) {
        Deque<Known> known = knownAddresses.get(normalize(account));
        return known != null && known.stream()
                .anyMatch(entry -> entry.address().equals(address) && entry.at().plus(KNOWN_ADDRESS_FOR).isAfter(now));
    }

    private static Policy policy(String key) {
        return switch (key.charAt(0)) {
            case 'p' -> ACCOUNT_FROM_ADDRESS;
            case 'c' -> ADDRESS;
            default -> ACCOUNT;
        };
    }

    private static String accountFromAddress(String account, String address) {
        return "p\u0000" + normalize(account) + "\u0000" + address;
    }

    private static String addressKey(String address) {
        return "c\u0000" + network(address);
    }

    /**
     * Whose count an address adds to: the address itself for IPv4, its /64 network for IPv6, since one client
     * commonly holds a whole /64 and would otherwise get a fresh count for every guess.
     */
    static String network(String address) {
        if (address == null || address.indexOf(':') < 0) {
            return address;
        }
        String literal = address.strip();
        if (literal.startsWith("[") && literal.endsWith("]")) {
            literal = literal.substring(1, literal.length() - 1);
        }
        int zone = literal.indexOf('%');
        if (zone >= 0) {
            literal = literal.substring(0, zone);
        }
        if (!literal.matches("[0-9A-Fa-f:.]+")) {
            return address;
        }
        try {
            // In brackets InetAddress takes it as an IPv6 literal or refuses it, and never looks a name up.
            byte[] bytes = InetAddress.getByName("[" + literal + "]").getAddress();
            if (bytes.length == 4) {
                return InetAddress.getByAddress(bytes).getHostAddress();
            }
            byte[] prefix = Arrays.copyOf(bytes, 16);
            Arrays.fill(prefix, 8, 16, (byte) 0);
            return InetAddress.getByAddress(prefix).getHostAddress() + "/64";
        } catch (UnknownHostException e) {
            return address;
        }
    }

    private static String accountKey(String account) {
        return "a\u0000" + normalize(account);
    }

    private static String normalize(String account) {
        return account.strip().toLowerCase(Locale.ROOT);
    }
}
