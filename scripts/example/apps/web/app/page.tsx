export const dynamic = "force-dynamic";

export default async function Page() {
  const res = await fetch(`${process.env.API_URL ?? "http://api:8080"}/api/greeting`);
  const { greeting } = await res.json();
  return <h1>{greeting}</h1>;
}
