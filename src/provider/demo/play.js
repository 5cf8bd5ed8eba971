// Jaqpot Games demo client: the page a casino's launchUrl opens. Served as a file (the page's
// Content-Security-Policy allows scripts from 'self' only). It reads the session from data
// attributes, asks the provider for the balance, and spins one round per click through
// POST /provider/spin — whose money moves by the casino's signed callbacks, like any round.
'use strict';

const root = document.getElementById('game');
const token = root.dataset.session;
const kind = root.dataset.kind;
const currency = root.dataset.currency;
const scale = Number(root.dataset.scale) || 0;
const betMinor = BigInt(root.dataset.bet);

const balanceEl = document.getElementById('balance');
const resultEl = document.getElementById('result');
const reels = [...document.querySelectorAll('.reel')];
const spinButton = document.getElementById('spin');

// Plain text symbols: they render with any system font (no emoji font needed).
const SLOT_SYMBOLS = ['♠', '♥', '♦', '♣', '★', '$', '7'];
const COIN = ['HEADS', 'TAILS'];

/** Minor units → decimal text with the currency's scale, in integers only. */
function money(minor) {
  const value = BigInt(minor);
  const negative = value < 0n;
  const digits = (negative ? -value : value).toString().padStart(scale + 1, '0');
  const text = scale === 0 ? digits : `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
  return `${negative ? '−' : ''}${text} ${currency}`;
}

async function post(path, body) {
  const response = await fetch(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const json = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(json.message || `The game server answered ${response.status}.`);
  return json;
}

function show(symbols) {
  reels.forEach((reel, i) => {
    reel.textContent = symbols[i] ?? '';
    reel.dataset.symbol = symbols[i] ?? '';
  });
}

/** What the reels show for a result: a win lines up the same symbol, a loss mixes them. */
function symbolsFor(win) {
  const pick = () => SLOT_SYMBOLS[Math.floor(Math.random() * SLOT_SYMBOLS.length)];
  if (kind === 'coin_flip') return [win > 0n ? COIN[0] : COIN[1]];
  if (win > 0n) {
    const symbol = win >= betMinor * 5n ? '7' : pick();
    return [symbol, symbol, symbol];
  }
  const first = pick();
  let second = pick();
  while (second === first) second = pick();
  return [first, second, pick()];
}

async function spin() {
  spinButton.disabled = true;
  resultEl.textContent = 'Spinning…';
  resultEl.className = 'result';
  root.classList.add('spinning');
  try {
    const outcome = await post('/provider/spin', { sessionToken: token });
    const win = BigInt(outcome.winMinor);
    show(symbolsFor(win));
    balanceEl.textContent = money(outcome.balance);
    if (!outcome.settled) {
      resultEl.textContent = 'The bet was refused (insufficient funds?). Nothing was lost.';
      resultEl.className = 'result lose';
    } else if (win > 0n) {
      resultEl.textContent = `You win ${money(win)}!`;
      resultEl.className = 'result win';
    } else {
      resultEl.textContent = `No win this time (bet ${money(outcome.betMinor)}).`;
      resultEl.className = 'result lose';
    }
  } catch (error) {
    resultEl.textContent = error.message;
    resultEl.className = 'result lose';
  } finally {
    root.classList.remove('spinning');
    spinButton.disabled = false;
  }
}

async function start() {
  show(kind === 'coin_flip' ? ['?'] : ['7', '7', '7']);
  try {
    const state = await post('/provider/balance', { sessionToken: token });
    balanceEl.textContent = money(state.balance);
  } catch (error) {
    balanceEl.textContent = '—';
    resultEl.textContent = error.message;
  }
  spinButton.disabled = false;
  spinButton.addEventListener('click', () => void spin());
}

void start();
