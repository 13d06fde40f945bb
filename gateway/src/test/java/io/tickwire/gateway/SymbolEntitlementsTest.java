package io.tickwire.gateway;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Timeout(10)
class SymbolEntitlementsTest
{
    private static final List<String> SYMBOLS =
        List.of("BTC-USD", "BTC-EUR", "BTC", "ETH-USD", "ETH-EUR", "XBTC-USD", "btc-usd", "SOL-USD", "AAPL");

    private static List<String> allowed(final SymbolEntitlements e)
    {
        return SYMBOLS.stream().filter(e::allows).collect(Collectors.toList());
    }

    @Test
    void exactSymbolsAndPrefixPatterns()
    {
        assertThat(allowed(SymbolEntitlements.of(List.of("BTC-*", "ETH-USD"))))
            .containsExactly("BTC-USD", "BTC-EUR", "ETH-USD");
        assertThat(allowed(SymbolEntitlements.of(List.of("BTC*")))).containsExactly("BTC-USD", "BTC-EUR", "BTC");
        assertThat(allowed(SymbolEntitlements.of(List.of("AAPL", "SOL-USD")))).containsExactly("SOL-USD", "AAPL");
        assertThat(allowed(SymbolEntitlements.of(List.of()))).isEmpty();
        assertThat(allowed(SymbolEntitlements.of(List.of("*")))).isEqualTo(SYMBOLS);
        assertThat(allowed(SymbolEntitlements.ALL)).isEqualTo(SYMBOLS);
        assertThat(SymbolEntitlements.of(List.of("ETH-*", "*")).allowsAll()).isTrue();
        assertThat(SymbolEntitlements.of(List.of("ETH-*")).allowsAll()).isFalse();
    }

    @Test
    void invalidPatternsAreRefused()
    {
        for (final String bad : List.of("", "BTC USD", "*BTC", "B*C", "**", "BTC-*-*", "ABCDEFGHIJKLMNOPQ", "ABCDEFGHIJKLMNOP*", "é"))
        {
            assertThatThrownBy(() -> SymbolEntitlements.of(List.of("ETH-USD", bad)))
                .as(bad).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("invalid symbol pattern '");
        }
        assertThatThrownBy(() -> SymbolEntitlements.of(Stream.generate(() -> "A").limit(257).toList()))
            .hasMessage("more than 256 symbol patterns");
    }
}
