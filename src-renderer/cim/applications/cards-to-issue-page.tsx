import { Fragment, useState } from 'react';
import { useServiceMutation, useServiceQuery } from '../../api/service-query.js';
import { ErrorSummary } from '../../components/error-summary.js';
import { LiveStatus } from '../../components/live-status.js';
import { PageHeading } from '../../components/page-heading.js';
import { formatDate } from '../../format/dates.js';
import { CIM_PATHS, hrefOf } from '../cim-paths.js';
import { DataTable } from '../profile/data-table.js';
import { SuccessBanner } from '../positions/success-banner.js';
import { addressText } from './application-words.js';

// The RA's cards to issue: applicants approved in Apply for Care ID whose smartcard has not been
// posted yet. Issue the card (the smartcard pages), post it to the delivery address, then
// "Mark as posted", which takes the application off the sponsor's Approved list.

export function CardsToIssuePage() {
  const query = useServiceQuery('applyCardsToIssue', {});
  const posted = useServiceMutation('applyMarkPosted');
  const [postedName, setPostedName] = useState<string | null>(null);
  const cards = query.data?.cards ?? [];
  const markPosted = (reference: string, name: string): void => {
    if (posted.isPending) return;
    setPostedName(null);
    posted.mutate({ params: { reference } }, { onSuccess: () => setPostedName(name) });
  };
  return (
    <>
      <a className="nhsuk-back-link" href={hrefOf(CIM_PATHS.home)}>
        Back to the dashboard
      </a>
      <PageHeading>Cards to issue</PageHeading>
      {postedName && (
        <SuccessBanner heading={`Smartcard for ${postedName} marked as posted`}>
          <p>The application is now in the sponsor&apos;s Marked as done list.</p>
        </SuccessBanner>
      )}
      <p className="nhsuk-body-l">New users approved in Apply for Care ID. Issue each a smartcard, post it to their delivery address, then mark it as posted.</p>
      <div role="status" className="nhsuk-body">
        {query.isPending ? 'Loading the cards to issue…' : ''}
      </div>
      {query.isError && <ErrorSummary errors={[{ text: query.error.message }]} />}
      {posted.isError && <ErrorSummary errors={[{ text: posted.error.message }]} />}
      {query.data && (
        <DataTable
          heading="Waiting for a smartcard"
          empty="No approved applicants are waiting for a smartcard."
          columns={['Name', 'Organisation', 'Approved', 'Delivery address', 'Card issued']}
          rows={cards.map((c) => ({
            key: c.reference,
            cells: [
              <a href={hrefOf(CIM_PATHS.userProfile(c.user.uuid))} key="name">
                {c.user.name}
              </a>,
              c.organisation.name,
              formatDate(c.approvedAt),
              addressText(c.deliveryAddress),
              // What to do next sits with the answer: issue the card, or once issued, post it.
              c.cardIssued ? (
                <Fragment key="issued">
                  <p className="nhsuk-u-margin-bottom-2">Yes</p>
                  <button
                    className="nhsuk-button nhsuk-button--secondary nhsuk-button--small nhsuk-u-margin-bottom-0"
                    type="button"
                    disabled={posted.isPending}
                    onClick={() => markPosted(c.reference, c.user.name)}
                  >
                    Mark as posted<span className="nhsuk-u-visually-hidden">: smartcard for {c.user.name}</span>
                  </button>
                </Fragment>
              ) : (
                <Fragment key="not-issued">
                  <p className="nhsuk-u-margin-bottom-2">No</p>
                  <a href={hrefOf(CIM_PATHS.issueSmartcard(c.user.uuid))}>
                    Issue smartcard<span className="nhsuk-u-visually-hidden"> to {c.user.name}</span>
                  </a>
                </Fragment>
              ),
            ],
          }))}
        />
      )}
      <LiveStatus className="nhsuk-body" message={posted.isPending ? 'Marking the smartcard as posted…' : ''} />
    </>
  );
}
