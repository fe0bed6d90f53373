/**
 * The demo organisation: an Indonesian sales team with 90 days of history. Generated from a
 * seeded random source, so every fresh start shows the same believable company.
 */

export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    // mulberry32: small, fast and good enough for demo data.
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const DEMO_TERRITORIES = [
  { name: 'Jakarta', region: 'Jawa' },
  { name: 'Bandung', region: 'Jawa' },
  { name: 'Surabaya', region: 'Jawa' },
  { name: 'Semarang', region: 'Jawa' },
  { name: 'Medan', region: 'Sumatera' },
  { name: 'Makassar', region: 'Sulawesi' },
];

export const DEMO_TEAMS = [
  { name: 'Jakarta Raya', managerName: 'Hendra Wijaya', territories: ['Jakarta', 'Bandung'] },
  { name: 'Jawa Timur & Tengah', managerName: 'Sri Wahyuni', territories: ['Surabaya', 'Semarang'] },
  { name: 'Sumatera & Sulawesi', managerName: 'Andi Pratama', territories: ['Medan', 'Makassar'] },
];

export const DEMO_REP_NAMES = [
  'Ayu Lestari',
  'Budi Santoso',
  'Citra Dewi',
  'Dimas Saputra',
  'Eka Putri',
  'Fajar Nugroho',
  'Gita Maharani',
  'Hadi Kurniawan',
  'Indah Permata',
  'Joko Susilo',
  'Kartika Sari',
  'Lukman Hakim',
  'Maya Anggraini',
  'Nanda Firmansyah',
  'Oki Setiawan',
  'Putri Rahayu',
  'Rizky Ramadhan',
  'Siti Nurhaliza',
  'Teguh Prasetyo',
  'Utami Wulandari',
  'Vina Oktaviani',
  'Wahyu Hidayat',
  'Yusuf Maulana',
  'Zahra Amalia',
];

/** Prices in IDR; margins in percent. */
export const DEMO_PRODUCTS = [
  { name: 'Salesboard Starter', listPrice: '25000000.00', marginPct: '62.00' },
  { name: 'Salesboard Growth', listPrice: '85000000.00', marginPct: '58.50' },
  { name: 'Salesboard Enterprise', listPrice: '350000000.00', marginPct: '55.00' },
  { name: 'Implementation Services', listPrice: '120000000.00', marginPct: '35.00' },
  { name: 'Training Package', listPrice: '15000000.00', marginPct: '70.00' },
];

const ACCOUNT_STEMS = [
  'Maju Jaya',
  'Sinar Mas Digital',
  'Nusantara Logistik',
  'Bumi Persada',
  'Cahaya Abadi',
  'Mitra Sejahtera',
  'Karya Mandiri',
  'Samudra Biru',
  'Garuda Niaga',
  'Mega Retail',
  'Tunas Harapan',
  'Sentosa Farma',
  'Indo Agro Lestari',
  'Permata Properti',
  'Sumber Rejeki',
  'Harapan Bangsa',
  'Angkasa Media',
  'Surya Energi',
  'Bintang Timur',
  'Lautan Teknologi',
  'Pelita Finance',
  'Kencana Foods',
  'Arta Graha',
  'Dwi Mulya Textile',
];

export function demoAccountNames(): string[] {
  return ACCOUNT_STEMS.flatMap((stem, i) => [`PT ${stem}`, ...(i % 3 === 0 ? [`CV ${stem} Utama`] : [])]);
}

export function emailOf(name: string): string {
  return `${name.toLowerCase().replace(/[^a-z]+/g, '.')}@salesboard.demo`;
}
